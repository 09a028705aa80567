// The admin API: its token (generated like the demo token), and presets created, read, replaced and deleted over
// HTTP, with invalid definitions refused.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SignetServer } from '../src/index.js';
import { makePng } from './fixtures/png.js';
import { expectError, type JsonResponse, postUpload, signedUpload, startTestServer, tempDir } from './helpers.js';

async function admin(
  server: SignetServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { Authorization: `Bearer ${server.credentials.admin_token}` },
): Promise<JsonResponse> {
  const response = await fetch(`${server.url}/api/admin${path}`, {
    method,
    headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('the admin token', () => {
  test('is generated into credentials.json once (mode 0600) and kept across restarts', async () => {
    const dataDir = await tempDir();
    const first = await startTestServer({ dataDir });
    const file = join(dataDir, 'credentials.json');
    const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(stored.admin_token).toBe(first.credentials.admin_token);
    expect(stored.admin_token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(stored.admin_token).not.toBe(stored.demo_token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await first.close();
    const second = await startTestServer({ dataDir });
    expect(second.credentials.admin_token).toBe(first.credentials.admin_token);
  });

  test('is added to a credentials file from before the admin API, leaving the rest as it was', async () => {
    const dataDir = await tempDir();
    const old = {
      cloud_name: 'signet-old',
      api_key: '123456789012345',
      api_secret: 'secret-old',
      demo_token: 'demo-old',
    };
    await writeFile(join(dataDir, 'credentials.json'), JSON.stringify(old), { mode: 0o600 });
    const server = await startTestServer({ dataDir });
    expect(server.credentials).toMatchObject(old);
    const stored = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8')) as Record<string, string>;
    expect(stored).toEqual({ ...old, admin_token: server.credentials.admin_token });
    expect((await stat(join(dataDir, 'credentials.json'))).mode & 0o777).toBe(0o600);
  });

  test.each([
    ['no Authorization header', {}],
    ['a wrong token', { Authorization: 'Bearer not-the-admin-token' }],
    ['an empty bearer', { Authorization: 'Bearer ' }],
    ['Basic auth', { Authorization: 'Basic YWRtaW46YWRtaW4=' }],
  ])('is required: %s → 401 UNAUTHENTICATED on every admin route', async (_name, headers) => {
    const server = await startTestServer({ config: { presets: { keep: { folder: 'keep' } } } });
    for (const [method, path, body] of [
      ['GET', '/presets', undefined],
      ['GET', '/presets/keep', undefined],
      ['PUT', '/presets/new', { folder: 'x' }],
      ['DELETE', '/presets/keep', undefined],
      ['GET', '/assets', undefined],
      ['POST', '/assets/image/a/approve', undefined],
    ] as const)
      expectError(await admin(server, method, path, body, headers), 401, 'UNAUTHENTICATED');
    expect(await server.catalog.presets.list(server.credentials.cloud_name)).toEqual([
      { name: 'keep', unsigned: false, folder: 'keep' },
    ]);
  });

  test('the demo token and the demo cookie are not admin credentials', async () => {
    const server = await startTestServer();
    const demo = server.credentials.demo_token;
    expectError(
      await admin(server, 'GET', '/presets', undefined, { Authorization: `Bearer ${demo}` }),
      401,
      'UNAUTHENTICATED',
    );
    expectError(
      await admin(server, 'GET', '/presets', undefined, { Cookie: `signet_token=${demo}` }),
      401,
      'UNAUTHENTICATED',
    );
  });
});

describe('presets over the admin API', () => {
  test('a full round trip: create (201), read, list, replace (200), use, delete, gone (404)', async () => {
    const server = await startTestServer();
    const definition = { unsigned: true, folder: 'ugc', tags: ['ugc'], allowed_formats: ['PNG'], max_file_size: 5000 };
    const created = await admin(server, 'PUT', '/presets/ugc', definition);
    expect(created.status).toBe(201);
    const stored = { name: 'ugc', ...definition, allowed_formats: ['png'] };
    expect(created.body).toEqual(stored);
    expect((await admin(server, 'GET', '/presets/ugc')).body).toEqual(stored);
    expect((await admin(server, 'GET', '/presets')).body).toEqual({ presets: [stored], default_preset: null });

    // In force at once: an unsigned upload under it.
    const png = makePng(8, 8);
    const upload = await postUpload(server, { upload_preset: 'ugc', public_id: 'p' }, { data: png, name: 'a.png' });
    expect(upload.body).toMatchObject({ public_id: 'ugc/p', tags: ['ugc'] });

    const replaced = await admin(server, 'PUT', '/presets/ugc', { name: 'ugc', folder: 'other' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ name: 'ugc', unsigned: false, folder: 'other' });
    // No longer unsigned: the same unsigned upload is refused.
    expectError(
      await postUpload(server, { upload_preset: 'ugc' }, { data: png, name: 'a.png' }),
      401,
      'SIGNATURE_INVALID',
    );

    expect(await admin(server, 'DELETE', '/presets/ugc')).toMatchObject({ status: 200, body: { message: 'deleted' } });
    expectError(await admin(server, 'GET', '/presets/ugc'), 404, 'NOT_FOUND');
    expectError(await admin(server, 'DELETE', '/presets/ugc'), 404, 'NOT_FOUND');
    expectError(
      await signedUpload(server, { upload_preset: 'ugc' }, { data: png, name: 'a.png' }),
      400,
      'PARAM_INVALID',
    );
    expect((await admin(server, 'GET', '/presets')).body).toEqual({ presets: [], default_preset: null });
  });

  test.each<[string, unknown]>([
    ['an unknown key', { folder: 'a', eager: 'w_100' }],
    ['a bad folder', { folder: 'a//b' }],
    ['a bad tag', { tags: ['a|b'] }],
    ['a bad format', { allowed_formats: ['*'] }],
    ['a negative size', { max_file_size: -1 }],
    ['another moderation', { moderation: 'webpurify' }],
    ['a nested quantifier', { auto_tagging: [{ when: { name: '(\\d+)*x' }, add: ['t'] }] }],
    ['a long pattern', { auto_tagging: [{ when: { name: `^${'a'.repeat(200)}` }, add: ['t'] }] }],
    ['a different name inside', { name: 'other' }],
    ['a list instead of an object', [{ folder: 'a' }]],
  ])('refuses %s with 400 PARAM_INVALID and stores nothing', async (_name, definition) => {
    const server = await startTestServer();
    expectError(await admin(server, 'PUT', '/presets/p', definition), 400, 'PARAM_INVALID');
    expect(await server.catalog.presets.list(server.credentials.cloud_name)).toEqual([]);
  });

  test('refuses a bad name, a body that is not JSON, and another content type', async () => {
    const server = await startTestServer();
    expectError(await admin(server, 'PUT', '/presets/bad%20name', {}), 400, 'PARAM_INVALID');
    expectError(await admin(server, 'PUT', '/presets/p', '{not json'), 400, 'BAD_REQUEST');
    const form = await fetch(`${server.url}/api/admin/presets/p`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${server.credentials.admin_token}`, 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(400);
    expectError(await admin(server, 'GET', '/presets/bad%20name'), 404, 'NOT_FOUND');
    expectError(await admin(server, 'POST', '/presets/p', {}), 405, 'METHOD_NOT_ALLOWED');
    expect(await server.catalog.presets.list(server.credentials.cloud_name)).toEqual([]);
  });

  test('the default preset can be changed but not deleted', async () => {
    const server = await startTestServer({ config: { presets: { site: { tags: ['site'] } }, defaultPreset: 'site' } });
    expect((await admin(server, 'GET', '/presets')).body.default_preset).toBe('site');
    expectError(await admin(server, 'DELETE', '/presets/site'), 400, 'PARAM_INVALID');
    expect((await admin(server, 'PUT', '/presets/site', { tags: ['changed'] })).status).toBe(200);
    const upload = await signedUpload(server, {}, { data: makePng(4, 4), name: 'a.png' });
    expect(upload.body.tags).toEqual(['changed']);
  });

  // Unlike users (users.test.ts), whose admin API changes stand until the file changes them: a preset is
  // configuration, and the file is where it is declared.
  test('a preset of the config file deleted over the admin API is back at the next start: the file wins', async () => {
    const dataDir = await tempDir();
    const config = { presets: { keep: { folder: 'keep' } } };
    const first = await startTestServer({ dataDir, config });
    expect((await admin(first, 'DELETE', '/presets/keep')).status).toBe(200);
    expectError(await admin(first, 'GET', '/presets/keep'), 404, 'NOT_FOUND');
    await first.close();
    const second = await startTestServer({ dataDir, config });
    expect((await admin(second, 'GET', '/presets/keep')).body).toMatchObject({ name: 'keep', folder: 'keep' });
  });
});
