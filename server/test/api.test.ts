// The small routes around the Upload API: public config, the asset list, the demo's static files, errors.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { makePng } from './fixtures/png.js';
import { nowSeconds, signedUpload, startTestServer, tempDir } from './helpers.js';

describe('GET /api/config', () => {
  test('tells a page the cloud name, API key, base URL, sources and size limit, never the secret', async () => {
    const server = await startTestServer();
    const response = await fetch(`${server.url}/api/config`);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      cloud_name: server.credentials.cloud_name,
      api_key: server.credentials.api_key,
      upload_url: server.url,
      sources: ['local', 'url'],
      limits: { max_file_size: 2 * 1024 ** 3 },
    });
    expect(text).not.toContain(server.credentials.api_secret);
  });

  test('offers Dropbox only with a Dropbox app, and a default preset lowers the size limit', async () => {
    const server = await startTestServer({
      config: {
        companion: { dropbox: { key: 'app-key', secret: 'app-secret' } },
        limits: { maxFileSize: 50_000 },
        presets: { small: { max_file_size: 20_000 } },
        defaultPreset: 'small',
      },
    });
    const text = await (await fetch(`${server.url}/api/config`)).text();
    expect(JSON.parse(text)).toMatchObject({ sources: ['local', 'url', 'dropbox'], limits: { max_file_size: 20_000 } });
    expect(text).not.toContain('app-secret');
  });

  test('without Companion only local files are offered', async () => {
    const server = await startTestServer({ config: { companion: { enabled: false } } });
    expect(await (await fetch(`${server.url}/api/config`)).json()).toMatchObject({ sources: ['local'] });
  });

  test('uses publicUrl when configured', async () => {
    const server = await startTestServer({ config: { publicUrl: 'https://media.example/' } });
    expect(await (await fetch(`${server.url}/api/config`)).json()).toMatchObject({
      upload_url: 'https://media.example',
    });
  });
});

describe('GET /api/assets', () => {
  test('lists the newest first, page by page', async () => {
    const server = await startTestServer();
    for (const [i, id] of ['one', 'two', 'three'].entries())
      await signedUpload(
        server,
        { public_id: id, timestamp: nowSeconds() - i },
        { data: makePng(4, 4), name: 'a.png' },
      );

    const first = (await (await fetch(`${server.url}/api/assets?limit=2`)).json()) as {
      resources: { public_id: string; url: string }[];
      next_cursor?: string;
    };
    expect(first.resources.map((asset) => asset.public_id)).toEqual(['three', 'two']);
    expect(first.resources[0]?.url).toMatch(/\/image\/upload\/v\d+\/three\.png$/);
    const second = (await (await fetch(`${server.url}/api/assets?limit=2&cursor=${first.next_cursor}`)).json()) as {
      resources: { public_id: string }[];
      next_cursor?: string;
    };
    expect(second.resources.map((asset) => asset.public_id)).toEqual(['one']);
    expect(second.next_cursor).toBeUndefined();
  });

  test('refuses a cursor it did not make and a bad limit with 400 PARAM_INVALID', async () => {
    const server = await startTestServer();
    for (const query of ['cursor=bm9wZQ', 'limit=ten']) {
      const response = await fetch(`${server.url}/api/assets?${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PARAM_INVALID');
    }
  });
});

describe('static files', () => {
  async function staticServer(config = {}) {
    const root = await tempDir('signet-static-');
    await writeFile(join(root, 'index.html'), '<!doctype html><title>demo</title>');
    await writeFile(join(root, 'demo.js'), 'export {};');
    await writeFile(join(root, '.env'), 'SECRET=1');
    await mkdir(join(root, 'sub'));
    await writeFile(join(root, 'sub', 'index.html'), 'sub');
    const outside = await tempDir('signet-outside-');
    await writeFile(join(outside, 'secret.txt'), 'secret');
    await symlink(join(outside, 'secret.txt'), join(root, 'link.txt'));
    const server = await startTestServer({ staticDir: root, config });
    return server;
  }

  test('serves index.html at / with the demo cookie (HttpOnly, SameSite=Strict)', async () => {
    const server = await staticServer();
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('set-cookie')).toBe(
      `signet_token=${server.credentials.demo_token}; HttpOnly; SameSite=Strict; Path=/`,
    );
    expect(await response.text()).toContain('<title>demo</title>');

    const script = await fetch(`${server.url}/demo.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('set-cookie')).toBeNull();
    expect(await (await fetch(`${server.url}/sub/`)).text()).toBe('sub');
  });

  test('hands out no cookie once real users are configured', async () => {
    const server = await staticServer({ users: { 'a-long-enough-token': { id: 'a', role: 'admin' } } });
    expect((await fetch(`${server.url}/`)).headers.get('set-cookie')).toBeNull();
  });

  test.each([
    '/../package.json',
    '/%2e%2e/package.json',
    '/sub/..%2f..%2fpackage.json',
    '/.env',
    '/link.txt',
    '/missing.html',
    '/%00',
  ])('%s → 404', async (path) => {
    const server = await staticServer();
    // node:http sends the path verbatim (fetch would normalise the dot segments away).
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const { hostname, port } = new URL(server.url);
      get({ hostname, port, path }, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on('error', reject);
    });
    expect(status).toBe(404);
  });

  test('the demo cookie signs from the same origin', async () => {
    const server = await staticServer();
    const cookie = ((await fetch(`${server.url}/`)).headers.get('set-cookie') ?? '').split(';')[0] as string;
    const response = await fetch(`${server.url}/api/sign`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, Origin: server.url },
      body: JSON.stringify({ timestamp: nowSeconds() }),
    });
    expect(response.status).toBe(200);
  });
});

describe('errors', () => {
  test('an unknown route → 404 with the error body', async () => {
    const server = await startTestServer();
    const response = await fetch(`${server.url}/nothing/here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { message: 'Not found.', code: 'NOT_FOUND' } });
  });

  test('an unexpected failure → 500 INTERNAL with a generic message; the detail goes to the log only', async () => {
    const server = await startTestServer(
      {
        authenticate: () => {
          throw new Error('database password is hunter2');
        },
      },
      true,
    );
    const response = await fetch(`${server.url}/api/sign`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { message: 'Internal server error.', code: 'INTERNAL' } });
    expect(text).not.toContain('hunter2');
    expect(server.logs.join('\n')).toContain('hunter2');
  });
});
