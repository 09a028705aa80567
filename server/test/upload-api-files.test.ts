// Issue 16, the upload itself: `file` as a data URI or an http(s) URL (fetched through the private-address guard,
// capped in size and idle time, checked like any file), and the per-request parameters Cloudinary defines —
// moderation, allowed_formats, use_asset_folder_as_public_id_prefix, asset_folder, display_name, return_delete_token —
// under the same "what may a signer set" rules. Driven by the official SDK where it can send the case. Statuses are
// the Upload API's, as the SDKs read them (415, 413 and 424 answer 400 there; `code` says which).
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { Resolver } from '../src/companion/ssrf-guard.js';
import type { DeepPartial, ServerConfig, SignetServer } from '../src/index.js';
import { MAX_TEXT_FILE } from '../src/pipeline/single.js';
import { makePng } from './fixtures/png.js';
import {
  dataState,
  expectError,
  expectNothingStored,
  type JsonResponse,
  postUpload,
  sdkCall,
  signed,
  startTestServer,
} from './helpers.js';
import { spyOnConnections } from './remote/connect-spy.js';
import { redirect, serve, startRemoteServer, streamEndless } from './remote/remote-server.js';

const png = makePng(30, 20);
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const dataUri = (data: Uint8Array, type = 'image/png') => `data:${type};base64,${Buffer.from(data).toString('base64')}`;

/** A server that may fetch from loopback (test mode), with a 1-second idle time. */
function fetchingServer(config: DeepPartial<ServerConfig> = {}, resolveHost?: Resolver) {
  return startTestServer({
    testMode: true,
    ...(resolveHost ? { resolveHost } : {}),
    config: { ...config, companion: { allowLocalUrls: true, idleSeconds: 1 } },
  });
}

async function storedBytes(server: SignetServer): Promise<Uint8Array> {
  const [key] = (await dataState(server)).storeKeys;
  const chunks: Buffer[] = [];
  for await (const chunk of (await server.store.open(key as string)) as AsyncIterable<Buffer>) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

describe('file as a data URI', () => {
  test('the SDK uploads a base64 data URI: stored byte for byte, named "file"', async () => {
    const server = await startTestServer();
    const { result, error } = await sdkCall(server, 'uploader.upload', [dataUri(png), { public_id: 'inline' }]);
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ public_id: 'inline', format: 'png', width: 30, height: 20, bytes: png.length });
    expect(result?.original_filename).toBe('file');
    expect(sha256(await storedBytes(server))).toBe(sha256(png));
  });

  test('a percent-encoded text data URI becomes a raw file; a harmless type claim is corrected by the bytes', async () => {
    const server = await startTestServer();
    const text = await postUpload(
      server,
      { ...signed(server, { public_id: 'note.txt' }), file: 'data:text/plain,hello%20world' },
      undefined,
      { resourceType: 'raw' },
    );
    expect(text.status).toBe(200);
    expect(text.body).toMatchObject({ resource_type: 'raw', bytes: 11 });
    const claimed = await postUpload(server, { ...signed(server, {}), file: dataUri(png, 'image/jpeg') });
    expect(claimed.body).toMatchObject({ format: 'png' });
  });

  test('refusals: active content under an image type, bad base64, over the preset size, too long for text', async () => {
    const server = await startTestServer({ config: { presets: { small: { max_file_size: 100 } } } });
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    expectError(await postUpload(server, { ...signed(server, {}), file: dataUri(html) }), 400, 'TYPE_MISMATCH');
    expectError(
      await postUpload(server, { ...signed(server, {}), file: 'data:image/png;base64,iVBOR*w0K' }),
      400,
      'PARAM_INVALID',
    );
    expectError(
      await postUpload(server, { ...signed(server, { upload_preset: 'small' }), file: dataUri(png) }),
      400,
      'FILE_TOO_LARGE',
    );
    const huge = `data:application/octet-stream;base64,${'A'.repeat(MAX_TEXT_FILE)}`;
    expectError(await postUpload(server, { ...signed(server, {}), file: huge }), 400, 'FILE_TOO_LARGE');
    // Through the SDK the statuses are the ones it reads.
    const sdk = await sdkCall(server, 'uploader.upload', [dataUri(png), { upload_preset: 'small' }]);
    expect(sdk.error).toMatchObject({ http_code: 400, message: expect.stringContaining('larger than 100 bytes') });
    await expectNothingStored(server);
  });

  test('a forged signature is refused before the URI is decoded; a file part and a text file together are one too many', async () => {
    const server = await startTestServer();
    const forged = { ...signed(server, {}), signature: '0'.repeat(40), file: dataUri(png) };
    expectError(await postUpload(server, forged), 401, 'SIGNATURE_INVALID');
    const both = await postUpload(server, { ...signed(server, {}), file: dataUri(png) }, { data: png, name: 'a.png' });
    expectError(both, 400, 'PARAM_DUPLICATE');
    await expectNothingStored(server);
  });
});

describe('file as an http(s) URL', () => {
  test('the SDK uploads from a URL (following a redirect): stored byte for byte, named after the URL', async () => {
    const remote = await startRemoteServer();
    remote.route('/photos/sunset.png', serve(remote, png, 'image/png'));
    remote.route('/short', redirect(`${remote.origin}/photos/sunset.png`));
    const server = await fetchingServer();
    const { result, error } = await sdkCall(server, 'uploader.upload', [`${remote.origin}/short`, { folder: 'web' }]);
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ format: 'png', bytes: png.length, original_filename: 'sunset' });
    expect(result?.public_id).toMatch(/^web\//);
    expect(sha256(await storedBytes(server))).toBe(sha256(png));
    expect(remote.requests).toEqual(['GET /short', 'GET /photos/sunset.png']);
  });

  test('nothing is fetched before the signature is checked', async () => {
    const remote = await startRemoteServer();
    remote.route('/a.png', serve(remote, png, 'image/png'));
    const server = await fetchingServer();
    const forged = { ...signed(server, {}), signature: '0'.repeat(40), file: `${remote.origin}/a.png` };
    expectError(await postUpload(server, forged), 401, 'SIGNATURE_INVALID');
    expect(remote.requests).toEqual([]);
    await expectNothingStored(server);
  });

  test('private addresses are refused before connecting: loopback outside test mode, a redirect, DNS rebinding', async () => {
    const spy = spyOnConnections();
    const remote = await startRemoteServer();
    remote.route('/to-metadata', redirect('http://169.254.169.254/latest/meta-data/'));
    // Public at the check, private when the connection looks it up again.
    const dns: Resolver = (() => {
      let calls = 0;
      return async () => [{ address: calls++ === 0 ? '93.184.216.34' : '10.0.0.7', family: 4 }] as const;
    })();
    const guarded = await startTestServer();
    expectError(
      await postUpload(guarded, { ...signed(guarded, {}), file: `${remote.origin}/a.png` }),
      403,
      'URL_FORBIDDEN',
    );
    const server = await fetchingServer({}, dns);
    expectError(
      await postUpload(server, { ...signed(server, {}), file: `${remote.origin}/to-metadata` }),
      403,
      'URL_FORBIDDEN',
    );
    expectError(
      await postUpload(server, { ...signed(server, {}), file: 'http://rebind.example/a.png' }),
      403,
      'URL_FORBIDDEN',
    );
    const ports = [remote.port, Number(new URL(server.url).port), Number(new URL(guarded.url).port)];
    expect(spy.unexpected(ports)).toEqual([]);
    expect(remote.requests).toEqual(['GET /to-metadata']);
    await expectNothingStored(server);
    await expectNothingStored(guarded);
  });

  test('the size limit holds while downloading, announced or not; the download is cut', async () => {
    const remote = await startRemoteServer();
    remote.route('/endless', streamEndless(remote));
    remote.route('/announced', streamEndless(remote, 'application/octet-stream', 50_000_000));
    const server = await fetchingServer({ presets: { small: { max_file_size: 100_000 } } });
    const endless = await postUpload(server, {
      ...signed(server, { upload_preset: 'small' }),
      file: `${remote.origin}/endless`,
    });
    expectError(endless, 400, 'FILE_TOO_LARGE');
    await remote.aborted;
    expect(remote.sent.bytes).toBeLessThan(50_000_000);
    const announced = await postUpload(
      server,
      { ...signed(server, { upload_preset: 'small' }), file: `${remote.origin}/announced` },
      undefined,
      { resourceType: 'raw' },
    );
    expectError(announced, 400, 'FILE_TOO_LARGE');
    await expectNothingStored(server);
  });

  test('an idle download, a 404 and active content named .png are refused; statuses the SDK reads', async () => {
    const remote = await startRemoteServer();
    remote.route('/silent', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.write(png.subarray(0, 10));
    });
    remote.route('/page.png', serve(remote, Buffer.from('<html><script>alert(1)</script></html>'), 'image/png'));
    const server = await fetchingServer();
    expectError(
      await postUpload(server, { ...signed(server, {}), file: `${remote.origin}/silent` }),
      400,
      'URL_UNREACHABLE',
    );
    expectError(
      await postUpload(server, { ...signed(server, {}), file: `${remote.origin}/missing.png` }),
      400,
      'URL_UNREACHABLE',
    );
    expectError(
      await postUpload(server, { ...signed(server, {}), file: `${remote.origin}/page.png` }),
      400,
      'TYPE_MISMATCH',
    );
    const sdk = await sdkCall(server, 'uploader.upload', [`${remote.origin}/missing.png`, {}]);
    expect(sdk.error).toMatchObject({ http_code: 400, message: expect.stringContaining('404') });
    await expectNothingStored(server);
  });
});

describe('per-request upload parameters', () => {
  test('moderation: manual holds the asset for review; add-on moderation is refused', async () => {
    const server = await startTestServer();
    const held = await sdkCall(server, 'uploader.upload', [dataUri(png), { public_id: 'm', moderation: 'manual' }]);
    expect(held.result).toMatchObject({ moderation: [{ kind: 'manual', status: 'pending' }] });
    const addOn = await sdkCall(server, 'uploader.upload', [dataUri(png), { moderation: 'aws_rek' }]);
    expect(addOn.error).toMatchObject({ http_code: 400, message: expect.stringContaining('"aws_rek"') });
    expect((await dataState(server)).rows.map((row) => row.status)).toEqual(['pending']);
  });

  test('allowed_formats narrows what the presets allow, never widens it', async () => {
    const server = await startTestServer({ config: { presets: { pics: { allowed_formats: ['png', 'gif'] } } } });
    const jpgOnly = await sdkCall(server, 'uploader.upload', [dataUri(png), { allowed_formats: ['jpg', 'jpeg'] }]);
    expect(jpgOnly.error).toMatchObject({ http_code: 400, message: expect.stringContaining('"png" is not allowed') });
    const widened = await sdkCall(server, 'uploader.upload', [
      dataUri(png),
      { upload_preset: 'pics', allowed_formats: 'gif,jpg' },
    ]);
    expect(widened.error).toMatchObject({ http_code: 400, message: expect.stringContaining('allowed: gif') });
    const ok = await sdkCall(server, 'uploader.upload', [
      dataUri(png),
      { upload_preset: 'pics', allowed_formats: 'png' },
    ]);
    expect(ok.result).toMatchObject({ format: 'png' });
    expectError(
      await postUpload(server, { ...signed(server, { allowed_formats: 'p n g' }), file: dataUri(png) }),
      400,
      'PARAM_INVALID',
    );
  });

  test('use_asset_folder_as_public_id_prefix puts the public ID under asset_folder; display_name is kept', async () => {
    const server = await startTestServer();
    const { result } = await sdkCall(server, 'uploader.upload', [
      dataUri(png),
      { public_id: 'a', asset_folder: 'team/x', use_asset_folder_as_public_id_prefix: true, display_name: 'Été 1' },
    ]);
    expect(result).toMatchObject({
      public_id: 'team/x/a',
      folder: 'team/x',
      asset_folder: 'team/x',
      display_name: 'Été 1',
    });
    const plain = await sdkCall(server, 'uploader.upload', [dataUri(png), { public_id: 'b', asset_folder: 'lib' }]);
    expect(plain.result).toMatchObject({ public_id: 'b', folder: '', asset_folder: 'lib' });
    const conflict = await sdkCall(server, 'uploader.upload', [
      dataUri(png),
      { folder: 'one', asset_folder: 'two', use_asset_folder_as_public_id_prefix: true },
    ]);
    expect(conflict.error).toMatchObject({ http_code: 400 });
  });

  test('an unsigned upload may ask for a delete token, never for moderation or the prefix rule', async () => {
    const server = await startTestServer({ config: { presets: { open: { unsigned: true, folder: 'inbox' } } } });
    const unsigned = (fields: Record<string, string>) =>
      postUpload(server, { upload_preset: 'open', ...fields }, { data: png, name: 'a.png' });
    const withToken = await unsigned({ return_delete_token: '1' });
    expect(withToken.status).toBe(200);
    expect(withToken.body.delete_token).toEqual(expect.any(String));
    expectError(await unsigned({ moderation: 'manual' }), 400, 'PARAM_NOT_ALLOWED');
    expectError(
      await unsigned({ use_asset_folder_as_public_id_prefix: '1', asset_folder: 'x' }),
      400,
      'PARAM_NOT_ALLOWED',
    );
  });

  test('a page may have them signed, with the same checks; its folder grants cover the asset folder prefix', async () => {
    const BOB = 'bob-token-0123456789abc';
    const server = await startTestServer({
      config: {
        users: {
          [BOB]: { id: 'bob', role: 'contributor', grants: [{ folder: 'users/42', access: 'can_contribute' }] },
        },
      },
    });
    const sign = async (params: Record<string, unknown>): Promise<JsonResponse> => {
      const response = await fetch(`${server.url}/api/sign`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${BOB}` },
        body: JSON.stringify({ timestamp: Math.floor(Date.now() / 1000), ...params }),
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    };
    const ok = await sign({
      folder: 'users/42',
      moderation: 'manual',
      allowed_formats: 'png',
      return_delete_token: true,
    });
    expect(ok.status).toBe(200);
    expectError(await sign({ folder: 'users/42', moderation: 'aws_rek' }), 400, 'PARAM_INVALID');
    expectError(
      await sign({ asset_folder: 'users/43', use_asset_folder_as_public_id_prefix: true }),
      403,
      'FORBIDDEN_FOLDER',
    );
    expectError(await sign({ folder: 'users/42', overwrite: true }), 400, 'PARAM_NOT_ALLOWED');
  });
});
