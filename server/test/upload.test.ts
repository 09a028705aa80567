// The Upload API, one request per file: what it accepts, what it refuses, and that a refusal stores nothing.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { sign } from '../src/signing.js';
import { makePng } from './fixtures/png.js';
import {
  dataState,
  expectError,
  expectNothingStored,
  nowSeconds,
  postUpload,
  signed,
  signedUpload,
  startTestServer,
} from './helpers.js';

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const png = makePng(40, 30);
const pngFile = { data: png, name: 'holiday.png' };

async function storedBytes(server: Awaited<ReturnType<typeof startTestServer>>, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await server.store.open(key)) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('a signed upload', () => {
  test('is stored, catalogued and answered with Cloudinary’s JSON', async () => {
    const server = await startTestServer();
    const response = await signedUpload(
      server,
      { public_id: 'trips/beach', tags: 'sea,sun', context: 'alt=Beach' },
      pngFile,
    );

    expect(response.status).toBe(200);
    const body = response.body;
    expect(body).toMatchObject({
      public_id: 'trips/beach',
      format: 'png',
      resource_type: 'image',
      type: 'upload',
      width: 40,
      height: 30,
      bytes: png.length,
      etag: md5(png),
      tags: ['sea', 'sun'],
      context: { custom: { alt: 'Beach' } },
      placeholder: false,
      original_filename: 'holiday',
      display_name: 'beach',
      api_key: server.credentials.api_key,
    });
    expect(body.version).toBeTypeOf('number');
    expect(body.signature).toBe(
      sign({ public_id: 'trips/beach', version: body.version as number }, server.credentials.api_secret, {
        version: 1,
      }),
    );
    expect(body.url).toBe(
      `${server.url}/${server.credentials.cloud_name}/image/upload/v${body.version}/trips/beach.png`,
    );
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const state = await dataState(server);
    expect(state.tmpFiles).toEqual([]);
    expect(state.storeKeys).toHaveLength(1);
    expect(state.rows).toHaveLength(1);
    expect(state.rows[0]).toMatchObject({ publicId: 'trips/beach', etag: md5(png), storageKey: state.storeKeys[0] });
    expect(await storedBytes(server, state.storeKeys[0] as string)).toEqual(png);
    // Storage keys are the server's own, never the client's file name.
    expect(state.storeKeys[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  test('gets a random 20-character public ID when none is given', async () => {
    const server = await startTestServer();
    const response = await signedUpload(server, {}, pngFile);
    expect(response.body.public_id).toMatch(/^[a-z0-9]{20}$/);
  });

  test('puts the public ID under the folder, and the folder in folder and asset_folder', async () => {
    const server = await startTestServer();
    const response = await signedUpload(server, { folder: 'users/42', public_id: 'avatar' }, pngFile);
    expect(response.body).toMatchObject({ public_id: 'users/42/avatar', folder: 'users/42', asset_folder: 'users/42' });
  });

  test('with use_filename takes a sanitised file name, plus a random suffix unless unique_filename is false', async () => {
    const server = await startTestServer();
    const weird = { data: png, name: '../Été 2024 (1).png' };
    const unique = await signedUpload(server, { use_filename: 'true' }, weird);
    expect(unique.body.public_id).toMatch(/^Ete_2024_1_[a-z0-9]{6}$/);
    const exact = await signedUpload(server, { use_filename: 'true', unique_filename: 'false' }, weird);
    expect(exact.body.public_id).toBe('Ete_2024_1');
    expect(exact.body.original_filename).toBe('Été 2024 (1)');
  });

  test('files text as raw, keeping the extension in the public ID', async () => {
    const server = await startTestServer();
    const text = { data: Buffer.from('hello, world\n'), name: 'notes.txt' };
    const response = await signedUpload(server, {}, text);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ resource_type: 'raw', format: 'txt' });
    expect(response.body.public_id).toMatch(/^[a-z0-9]{20}\.txt$/);
    expect(response.body.url).toMatch(/\/raw\/upload\/v\d+\/[a-z0-9]{20}\.txt$/);
    expect(response.body).not.toHaveProperty('width');
  });

  test('accepts a file of exactly the size limit', async () => {
    const server = await startTestServer({ config: { limits: { maxFileSize: 1000 } } });
    const response = await signedUpload(server, {}, { data: Buffer.alloc(1000, 7), name: 'a.bin' });
    expect(response.status).toBe(200);
    expect(response.body.bytes).toBe(1000);
  });

  test('answers CORS for any origin, and preflights the chunk headers', async () => {
    const server = await startTestServer();
    const response = await signedUpload(server, {}, pngFile, { headers: { Origin: 'https://elsewhere.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(`${server.url}/v1_1/${server.credentials.cloud_name}/auto/upload`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'Content-Type, X-Unique-Upload-Id, Content-Range, X-Requested-With',
    );
  });
});

describe('a refused upload stores nothing', () => {
  test('a changed signed parameter → 401 SIGNATURE_INVALID', async () => {
    const server = await startTestServer();
    const fields = { ...signed(server, { public_id: 'mine' }), public_id: 'theirs' };
    const response = await postUpload(server, fields, pngFile);
    expectError(response, 401, 'SIGNATURE_INVALID');
    expect((response.body.error as { message: string }).message).toContain(
      "String to sign - 'public_id=theirs&timestamp=",
    );
    await expectNothingStored(server);
  });

  test('a parameter that was not signed (overwrite) → 401 SIGNATURE_INVALID', async () => {
    const server = await startTestServer();
    const response = await postUpload(server, { ...signed(server, { public_id: 'a' }), overwrite: 'true' }, pngFile);
    expectError(response, 401, 'SIGNATURE_INVALID');
    await expectNothingStored(server);
  });

  test.each([
    ['truncated', (s: string) => s.slice(0, 20)],
    ['non-hex', (s: string) => `${s.slice(0, 38)}zz`],
    ['too long', (s: string) => `${s}00`],
  ])('a %s signature → 401 SIGNATURE_INVALID, never a 500', async (_name, mangle) => {
    const server = await startTestServer();
    const fields = signed(server, {});
    const response = await postUpload(server, { ...fields, signature: mangle(fields.signature as string) }, pngFile);
    expectError(response, 401, 'SIGNATURE_INVALID');
    await expectNothingStored(server);
  });

  test('another API key → 401 SIGNATURE_INVALID', async () => {
    const server = await startTestServer();
    const response = await postUpload(server, { ...signed(server, {}), api_key: '123456789012345' }, pngFile);
    expectError(response, 401, 'SIGNATURE_INVALID');
    await expectNothingStored(server);
  });

  test('a timestamp older than the window → 401 SIGNATURE_EXPIRED', async () => {
    const server = await startTestServer({ config: { signing: { windowSeconds: 600 } } });
    const response = await signedUpload(server, { timestamp: nowSeconds() - 601 }, pngFile);
    expectError(response, 401, 'SIGNATURE_EXPIRED');
    await expectNothingStored(server);
  });

  test('a timestamp more than the allowed skew in the future → 401 SIGNATURE_EXPIRED', async () => {
    const server = await startTestServer();
    const response = await signedUpload(server, { timestamp: nowSeconds() + 120 }, pngFile);
    expectError(response, 401, 'SIGNATURE_EXPIRED');
    await expectNothingStored(server);
  });

  test('a missing or non-integer timestamp → 400 PARAM_INVALID', async () => {
    const server = await startTestServer();
    const noTimestamp = { api_key: server.credentials.api_key, signature: sign({}, server.credentials.api_secret) };
    expectError(await postUpload(server, noTimestamp, pngFile), 400, 'PARAM_INVALID');
    expectError(await signedUpload(server, { timestamp: '12.5' }, pngFile), 400, 'PARAM_INVALID');
    await expectNothingStored(server);
  });

  test.each([
    ['two fields of one name', { extra: [['public_id', 'b']] as [string, string][] }],
    ['a query parameter and a field', { query: 'public_id=b' }],
    ['tags and tags[]', { extra: [['tags[]', 'x']] as [string, string][], params: { tags: 'x' } }],
  ])('a parameter sent twice (%s) → 400 PARAM_DUPLICATE', async (_name, options) => {
    const server = await startTestServer();
    const params = 'params' in options ? options.params : { public_id: 'a' };
    const response = await signedUpload(server, params, pngFile, options);
    expectError(response, 400, 'PARAM_DUPLICATE');
    await expectNothingStored(server);
  });

  test('with strict replay protection, a replayed API-secret signature → SIGNATURE_REPLAYED, the first upload alone stored', async () => {
    const server = await startTestServer({ config: { signing: { replayProtection: 'strict' } } });
    const fields = signed(server, { public_id: 'once' });
    expect((await postUpload(server, fields, pngFile)).status).toBe(200);
    const replay = await postUpload(server, fields, { data: makePng(8, 8), name: 'x.png' });
    expectError(replay, 400, 'SIGNATURE_REPLAYED');
    const state = await dataState(server);
    expect(state.rows.map((row) => row.publicId)).toEqual(['once']);
    expect(state.storeKeys).toHaveLength(1);
    expect(state.tmpFiles).toEqual([]);
  });

  test('unknown parameters → 400 PARAM_NOT_ALLOWED naming them', async () => {
    const server = await startTestServer();
    const response = await signedUpload(server, { eager: 'w_100', notification_url: 'http://x' }, pngFile);
    expectError(response, 400, 'PARAM_NOT_ALLOWED');
    expect((response.body.error as { message: string }).message).toMatch(/"eager".*"notification_url"/);
    await expectNothingStored(server);
  });

  test('a file one byte over the limit → 413 FILE_TOO_LARGE', async () => {
    const server = await startTestServer({ config: { limits: { maxFileSize: 1000 } } });
    const response = await signedUpload(server, {}, { data: Buffer.alloc(1001, 7), name: 'a.bin' });
    expectError(response, 400, 'FILE_TOO_LARGE');
    await expectNothingStored(server);
  });

  test('a file URL toward this machine → 403 URL_FORBIDDEN; other remote storage → 400 PARAM_INVALID', async () => {
    // Remote URLs and data URIs are accepted since issue 16 (see upload-api-files.test.ts); never towards loopback.
    const server = await startTestServer();
    const response = await postUpload(server, { ...signed(server, {}), file: 'http://127.0.0.1:9/a.png' });
    expectError(response, 403, 'URL_FORBIDDEN');
    expectError(await postUpload(server, { ...signed(server, {}), file: 's3://bucket/a.png' }), 400, 'PARAM_INVALID');
    await expectNothingStored(server);
  });

  test('no file → 400 FILE_MISSING', async () => {
    const server = await startTestServer();
    expectError(await postUpload(server, signed(server, {})), 400, 'FILE_MISSING');
    await expectNothingStored(server);
  });

  test('two file parts → 400 BAD_REQUEST', async () => {
    const server = await startTestServer();
    const form = new FormData();
    for (const [name, value] of Object.entries(signed(server, {}))) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(png)]), 'a.png');
    form.append('file', new Blob([new Uint8Array(png)]), 'b.png');
    const response = await fetch(`${server.url}/v1_1/${server.credentials.cloud_name}/auto/upload`, {
      method: 'POST',
      body: form,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    await expectNothingStored(server);
  });

  test('a body that is not multipart → 400 BAD_REQUEST', async () => {
    const server = await startTestServer();
    const response = await fetch(`${server.url}/v1_1/${server.credentials.cloud_name}/auto/upload`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(signed(server, {})).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { message: expect.any(String), code: 'BAD_REQUEST' } });
    await expectNothingStored(server);
  });

  test.each([
    { name: 'public_id', params: { public_id: '../etc/passwd' }, code: 'PUBLIC_ID_INVALID' },
    { name: 'folder', params: { folder: 'a b' }, code: 'FOLDER_INVALID' },
    { name: 'tags', params: { tags: 'ok,bad|tag' }, code: 'TAG_INVALID' },
    { name: 'context', params: { context: 'no-equals-sign' }, code: 'CONTEXT_INVALID' },
    { name: 'overwrite', params: { overwrite: 'maybe' }, code: 'PARAM_INVALID' },
  ])('an invalid $name → 400 $code', async ({ params, code }) => {
    const server = await startTestServer();
    expectError(await signedUpload(server, params, pngFile), 400, code);
    await expectNothingStored(server);
  });

  test('text sent to the image endpoint → 415 TYPE_MISMATCH', async () => {
    const server = await startTestServer();
    const response = await signedUpload(
      server,
      {},
      { data: Buffer.from('not an image'), name: 'a.png' },
      { resourceType: 'image' },
    );
    expectError(response, 400, 'TYPE_MISMATCH');
    await expectNothingStored(server);
  });

  test('an unknown cloud or resource type → 404 NOT_FOUND', async () => {
    const server = await startTestServer();
    expectError(await signedUpload(server, {}, pngFile, { cloud: 'someone-else' }), 404, 'NOT_FOUND');
    expectError(await signedUpload(server, {}, pngFile, { resourceType: 'document' }), 404, 'NOT_FOUND');
    await expectNothingStored(server);
  });
});

describe('overwrite', () => {
  test('off (the default): the existing asset comes back with existing: true, its bytes untouched', async () => {
    const server = await startTestServer();
    const first = await signedUpload(server, { public_id: 'logo' }, pngFile);
    const other = makePng(10, 10);
    // Another timestamp: the same parameters in the same second would be the same signature, i.e. a replay.
    const again = { public_id: 'logo', timestamp: nowSeconds() - 1 };
    const second = await signedUpload(server, again, { data: other, name: 'other.png' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ existing: true, version: first.body.version, etag: md5(png), width: 40 });
    const state = await dataState(server);
    expect(state.storeKeys).toHaveLength(1);
    expect(state.tmpFiles).toEqual([]);
    expect(await storedBytes(server, state.storeKeys[0] as string)).toEqual(png);
  });

  test('on: the asset is replaced, its version grows and the old bytes are gone', async () => {
    const server = await startTestServer();
    const first = await signedUpload(server, { public_id: 'logo' }, pngFile);
    const other = makePng(10, 10);
    const second = await signedUpload(
      server,
      { public_id: 'logo', overwrite: 'true' },
      { data: other, name: 'other.png' },
    );
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      public_id: 'logo',
      etag: md5(other),
      width: 10,
      asset_id: first.body.asset_id,
    });
    expect(second.body).not.toHaveProperty('existing');
    expect(second.body.version as number).toBeGreaterThan(first.body.version as number);
    const state = await dataState(server);
    expect(state.storeKeys).toHaveLength(1);
    expect(state.rows).toHaveLength(1);
    expect(await storedBytes(server, state.storeKeys[0] as string)).toEqual(other);
  });

  test('concurrent uploads to one public ID: exactly one publishes, the rest get it back as existing', async () => {
    const server = await startTestServer();
    const inputs = Array.from({ length: 8 }, (_, i) => makePng(10 + i, 10));
    const responses = await Promise.all(
      inputs.map((data, i) =>
        signedUpload(server, { public_id: 'race', timestamp: nowSeconds() - i }, { data, name: `${i}.png` }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(inputs.map(() => 200));
    const winners = responses.filter((response) => !response.body.existing);
    expect(winners).toHaveLength(1);
    const state = await dataState(server);
    expect(state.rows).toHaveLength(1);
    expect(state.storeKeys).toHaveLength(1);
    expect(state.tmpFiles).toEqual([]);
    const stored = await storedBytes(server, state.storeKeys[0] as string);
    expect(inputs.some((input) => input.equals(stored))).toBe(true);
    expect(responses.every((response) => response.body.etag === md5(stored))).toBe(true);
  });
});
