// Companion in the reference server: mounted at /companion, configured from our config, refusing what it must.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { startServer } from '../src/index.js';
import { dataState, expectNothingStored, signed, startTestServer, tempDir } from './helpers.js';
import { awaitUpload, getBody, postJson } from './remote/companion-client.js';
import { serve, startRemoteServer, streamEndless } from './remote/remote-server.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('URL import through Companion', () => {
  test('imports a file from a loopback server (test mode) with the signed folder, tags, public ID and name; bytes equal', async () => {
    const server = await startTestServer({ testMode: true, config: { companion: { allowLocalUrls: true } } });
    const remote = await startRemoteServer();
    const data = Buffer.from('hello remote world\n'.repeat(1000));
    remote.route('/notes.txt', serve(remote, data, 'text/plain'));
    const url = `${remote.origin}/notes.txt`;

    // /url/meta answers from the URL alone: nothing is fetched before the person uploads (with a signature).
    const meta = await postJson(`${server.url}/companion/url/meta`, { url });
    expect(meta).toMatchObject({ status: 200, body: { name: 'notes.txt', size: null } });
    expect(remote.requests).toEqual([]);

    // Companion names the file part `uppy-file-<uuid>` (it would take `metadata.name`, but every metadata entry is
    // also sent as a form field): the original name travels as Cloudinary's signed `filename_override`.
    const fields = signed(server, {
      folder: 'imports',
      tags: 'a,b',
      public_id: 'remote-notes',
      filename_override: 'notes.txt',
    });
    const get = await postJson(`${server.url}/companion/url/get`, getBody(server, { fileId: url, url }, fields));
    expect(get.status).toBe(200);
    const outcome = await awaitUpload(server, String(get.body.token));
    expect(outcome.action).toBe('success');
    const state = await dataState(server);
    expect(state.rows).toHaveLength(1);
    expect(state.rows[0]).toMatchObject({ folder: 'imports', tags: ['a', 'b'] });
    expect(state.rows[0]).toMatchObject({ publicId: 'imports/remote-notes', originalFilename: 'notes', format: 'txt' });
    const response = (outcome.payload.response as { responseText: string }).responseText;
    const delivered = new Uint8Array(await (await fetch(JSON.parse(response).secure_url)).arrayBuffer());
    expect(sha256(delivered)).toBe(sha256(data));
  });
});

const KiB = 1024;
const MiB = 1024 * KiB;

/** A test-mode server importing from loopback, with a small file size limit. */
function smallLimitServer(maxFileSize = 256 * KiB) {
  return startTestServer({
    testMode: true,
    config: { companion: { allowLocalUrls: true }, limits: { maxFileSize } },
  });
}

const code = (body: Record<string, unknown>) => (body.error as { code?: string } | undefined)?.code;

describe('remote files larger than the limit are cut off and nothing is stored', () => {
  test('with a Content-Length: /url/get answers 413 FILE_TOO_LARGE, the download is dropped', async () => {
    const server = await smallLimitServer();
    const remote = await startRemoteServer();
    remote.route('/big.bin', streamEndless(remote, 'application/octet-stream', 256 * MiB));
    const url = `${remote.origin}/big.bin`;

    const get = await postJson(
      `${server.url}/companion/url/get`,
      getBody(server, { fileId: url, url }, signed(server, {})),
    );
    expect({ status: get.status, code: code(get.body) }).toEqual({ status: 413, code: 'FILE_TOO_LARGE' });
    // Companion itself would leave that refused download open; it is closed, far from its 256 MiB.
    await remote.aborted;
    expect(remote.sent.bytes).toBeLessThan(48 * MiB);
    await expectNothingStored(server);
  });

  test('without a Content-Length: an endless body is cut off near the limit, FILE_TOO_LARGE on the socket', async () => {
    const server = await smallLimitServer();
    const remote = await startRemoteServer();
    remote.route('/endless', streamEndless(remote));
    const url = `${remote.origin}/endless`;

    const meta = await postJson(`${server.url}/companion/url/meta`, { url });
    expect(meta).toMatchObject({ status: 200, body: { size: null } });
    const get = await postJson(
      `${server.url}/companion/url/get`,
      getBody(server, { fileId: url, url }, signed(server, {})),
    );
    expect(get.status).toBe(200);
    const outcome = await awaitUpload(server, String(get.body.token));
    expect(outcome).toMatchObject({ action: 'error', payload: { error: { code: 'FILE_TOO_LARGE', status: 400 } } });
    // The endless body was cut. What flowed past the limit is what loopback socket buffers on two hops (remote →
    // Companion → our endpoint) hold while Companion reads our 413: about 16 MiB here, whatever the limit.
    await remote.aborted;
    expect(remote.sent.bytes).toBeLessThan(48 * MiB);
    await expectNothingStored(server);
  });
});

describe('errors of remote sources carry codes', () => {
  test('an unreachable URL (closed port, unknown host, 404) is 424 URL_UNREACHABLE', async () => {
    const server = await startTestServer({
      testMode: true,
      config: { companion: { allowLocalUrls: true } },
      resolveHost: async (host) => {
        if (host === 'files.example.test') return [{ address: '127.0.0.1', family: 4 }];
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      },
    });
    const remote = await startRemoteServer();
    for (const url of [
      `http://nowhere.example.test/a.png`,
      `${remote.origin}/missing.png`,
      `http://files.example.test:${remote.port}/missing.png`,
      `http://127.0.0.1:1/x`,
    ]) {
      const get = await postJson(
        `${server.url}/companion/url/get`,
        getBody(server, { fileId: url, url }, signed(server, {})),
      );
      expect({ url, status: get.status, code: code(get.body) }).toEqual({ url, status: 424, code: 'URL_UNREACHABLE' });
    }
    await expectNothingStored(server);
  });

  test('an import with a bad signature is refused before anything is fetched (401)', async () => {
    const server = await startTestServer({ testMode: true, config: { companion: { allowLocalUrls: true } } });
    const remote = await startRemoteServer();
    remote.route('/a.txt', serve(remote, Buffer.from('abc'), 'text/plain'));
    const url = `${remote.origin}/a.txt`;
    const fields = { ...signed(server, { folder: 'x' }), folder: 'y' };
    const get = await postJson(`${server.url}/companion/url/get`, getBody(server, { fileId: url, url }, fields));
    expect({ status: get.status, code: code(get.body) }).toEqual({ status: 401, code: 'SIGNATURE_INVALID' });
    expect(remote.requests).toEqual([]);
    await expectNothingStored(server);
  });
});

describe('upload destinations: only our own upload endpoint', () => {
  test.each([
    (_base: string, cloud: string) => `http://127.0.0.1:1/v1_1/${cloud}/image/upload`,
    (base: string, _cloud: string) => `${base}/v1_1/other-cloud/image/upload`,
    (base: string, cloud: string) => `${base}/v1_1/${cloud}/image/upload/../../../api/sign`,
    (base: string, cloud: string) => `${base}/v1_1/${cloud}/image/upload?x=1`,
    (base: string, cloud: string) => `${base}/v1_1/${cloud}/private/upload`,
    (base: string, cloud: string) => `${base}.evil.test/v1_1/${cloud}/image/upload`,
    (base: string, cloud: string) => `${base.replace('http://', 'http://user@')}/v1_1/${cloud}/image/upload`,
    (base: string, cloud: string) => `x${base}/v1_1/${cloud}/image/upload`,
  ])('refuses the look-alike destination #%#', async (destination) => {
    const server = await startTestServer({ testMode: true, config: { companion: { allowLocalUrls: true } } });
    const remote = await startRemoteServer();
    remote.route('/a.txt', serve(remote, Buffer.from('abc'), 'text/plain'));
    const url = `${remote.origin}/a.txt`;
    const body = {
      ...getBody(server, { fileId: url, url }, signed(server, {})),
      endpoint: destination(server.url, server.credentials.cloud_name),
    };
    const get = await postJson(`${server.url}/companion/url/get`, body);
    expect({ status: get.status, code: code(get.body) }).toEqual({ status: 400, code: 'BAD_REQUEST' });
    await expectNothingStored(server);
  });
});

describe('mounting', () => {
  test('only the Web URL routes (and Dropbox when configured) are reachable; the rest of Companion is 404', async () => {
    const server = await startTestServer();
    for (const path of [
      '/companion',
      '/companion/',
      '/companion/s3/params',
      '/companion/drive/list/',
      '/companion/dropbox/connect',
      '/companion/connect/box',
      '/companion/metrics',
      '/companion/url/other',
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      await response.body?.cancel();
    }
  });

  test('CORS: configured origins and our own may call it; other origins get no CORS headers', async () => {
    const server = await startTestServer({ config: { cors: { origins: ['https://app.example.com'] } } });
    const preflight = (origin: string) =>
      fetch(`${server.url}/companion/url/meta`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
    expect((await preflight('https://app.example.com')).headers.get('access-control-allow-origin')).toBe(
      'https://app.example.com',
    );
    expect((await preflight(new URL(server.url).origin)).headers.get('access-control-allow-origin')).toBe(
      new URL(server.url).origin,
    );
    expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    const refused = await postJson(
      `${server.url}/companion/url/meta`,
      { url: 'http://10.0.0.1/' },
      { Origin: 'https://app.example.com' },
    );
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  test("websockets: Companion's progress and token sockets only, and only from allowed origins", async () => {
    const server = await startTestServer({ config: { cors: { origins: ['https://app.example.com'] } } });
    const ws = server.url.replace(/^http/, 'ws');
    const upgrade = (path: string, origin?: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`${ws}${path}`, origin ? { origin } : {});
        socket.once('open', () => {
          socket.close();
          resolve(101);
        });
        socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.once('error', () => resolve(0));
      });
    const token = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(await upgrade(`/companion/api/${token}`)).toBe(101);
    expect(await upgrade(`/companion/api2/auth-callback/token/${token}`, 'https://app.example.com')).toBe(101);
    expect(await upgrade(`/companion/api/${token}`, 'https://evil.example.com')).toBe(403);
    expect(await upgrade('/companion/other')).toBe(404);
    expect(await upgrade('/api/sign')).toBe(403);
  });

  test('companion.enabled=false: no /companion at all', async () => {
    const server = await startTestServer({ config: { companion: { enabled: false } } });
    const response = await postJson(`${server.url}/companion/url/meta`, { url: 'http://example.com/' });
    expect(response.status).toBe(404);
  });
});

describe('refuses to start with an unsafe Companion configuration', () => {
  const start = async (options: Parameters<typeof startServer>[0]) =>
    startServer({ port: 0, dataDir: await tempDir(), env: {}, log: () => {}, ...options }).then(
      async (server) => {
        await server.close();
        return 'started';
      },
      (error: Error) => error.message,
    );

  test('allowLocalUrls outside test mode', async () => {
    expect(await start({ config: { companion: { allowLocalUrls: true } } })).toMatch(/allowLocalUrls .* tests only/);
    expect(await start({ env: { NODE_ENV: 'development' }, config: { companion: { allowLocalUrls: true } } })).toMatch(
      /tests only/,
    );
  });

  test('allowLocalUrls with NODE_ENV=production, even with testMode', async () => {
    expect(
      await start({
        testMode: true,
        env: { NODE_ENV: 'production' },
        config: { companion: { allowLocalUrls: true, secret: 'x'.repeat(32) } },
      }),
    ).toMatch(/tests only/);
  });

  test('no fixed secret in production; a short one anywhere', async () => {
    expect(await start({ env: { NODE_ENV: 'production' } })).toMatch(/companion\.secret is required/);
    expect(await start({ config: { companion: { secret: 'short' } } })).toMatch(/at least 32 characters/);
    expect(await start({ env: { NODE_ENV: 'production', SIGNET_COMPANION_SECRET: 's'.repeat(40) } })).toBe('started');
    expect(await start({ env: { NODE_ENV: 'production' }, config: { companion: { enabled: false } } })).toBe('started');
  });

  test('allowLocalUrls in test mode, by NODE_ENV=test or the testMode option', async () => {
    expect(await start({ env: { NODE_ENV: 'test' }, config: { companion: { allowLocalUrls: true } } })).toBe('started');
    expect(await start({ testMode: true, config: { companion: { allowLocalUrls: true } } })).toBe('started');
  });
});
