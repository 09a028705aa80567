// Users, roles and grants: the admin API (/api/admin/users…), the config file's users seeded into the catalogue,
// GET /api/me, and a custom authentication hook.
import { request } from 'node:http';
import { describe, expect, test } from 'vitest';
import type { ConfigUser, DeepPartial, ServerConfig, SignetServer } from '../src/index.js';
import { startServer } from '../src/index.js';
import { expectError, type JsonResponse, nowSeconds, startTestServer, tempDir } from './helpers.js';

const ANN = 'ann-token-0123456789ab';
const BOB = 'bob-token-0123456789abc';
const ADMIN1 = 'admin1-token-0123456789';

const users: DeepPartial<ServerConfig>['users'] = {
  [ANN]: { id: 'ann', role: 'admin' },
  [BOB]: { id: 'bob', role: 'contributor', grants: [{ folder: 'users/42', access: 'can_contribute' }] },
};

async function call(
  server: SignetServer,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const token = options.token === undefined ? server.credentials.admin_token : options.token;
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Asks the signing endpoint, as the holder of `token`, to sign an upload into `folder`. */
function signAs(server: SignetServer, token: string, folder: string): Promise<JsonResponse> {
  return call(server, 'POST', '/api/sign', { token, body: { timestamp: nowSeconds(), folder } });
}

describe('admin API: users and grants', () => {
  test('every route needs the admin token (401); a user token, even an admin user’s, is not it', async () => {
    const server = await startTestServer({ config: { users } });
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/admin/users'],
      ['GET', '/api/admin/users/bob'],
      ['PUT', '/api/admin/users/bob', { role: 'admin' }],
      ['DELETE', '/api/admin/users/bob'],
      ['GET', '/api/admin/users/bob/grants'],
      ['PUT', '/api/admin/users/bob/grants/users/43', { access: 'can_view' }],
      ['DELETE', '/api/admin/users/bob/grants/users/42'],
    ];
    for (const [method, path, body] of routes) {
      expectError(await call(server, method, path, { body, token: null }), 401, 'UNAUTHENTICATED');
      expectError(await call(server, method, path, { body, token: ANN }), 401, 'UNAUTHENTICATED');
      expectError(await call(server, method, path, { body, token: 'not-the-admin-token-000' }), 401, 'UNAUTHENTICATED');
    }
    expect(await server.catalog.users.get('bob')).toEqual({
      id: 'bob',
      role: 'contributor',
      grants: [{ folder: 'users/42', access: 'can_contribute' }],
    });
  });

  test('creates, changes, lists and deletes users; grants stay unless the body lists them', async () => {
    const server = await startTestServer({ config: { users } });
    const dan = { role: 'contributor', grants: [{ folder: 'team/dan', access: 'can_contribute' }] };
    const created = await call(server, 'PUT', '/api/admin/users/dan', { body: dan });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'dan', ...dan });

    const promoted = await call(server, 'PUT', '/api/admin/users/dan', { body: { id: 'dan', role: 'admin' } });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toEqual({ id: 'dan', role: 'admin', grants: dan.grants });
    const cleared = await call(server, 'PUT', '/api/admin/users/dan', { body: { role: 'contributor', grants: [] } });
    expect(cleared.body).toEqual({ id: 'dan', role: 'contributor', grants: [] });

    const list = await call(server, 'GET', '/api/admin/users');
    expect((list.body.users as { id: string }[]).map((user) => user.id)).toEqual(['ann', 'bob', 'dan']);
    expect((await call(server, 'GET', '/api/admin/users/bob')).body).toEqual({
      id: 'bob',
      role: 'contributor',
      grants: [{ folder: 'users/42', access: 'can_contribute' }],
    });

    expect((await call(server, 'DELETE', '/api/admin/users/dan')).body).toEqual({ message: 'deleted' });
    expectError(await call(server, 'DELETE', '/api/admin/users/dan'), 404, 'NOT_FOUND');
    expectError(await call(server, 'GET', '/api/admin/users/dan'), 404, 'NOT_FOUND');
  });

  test('grants one folder at a time: create (201), change (200), read, revoke, 404 when absent', async () => {
    const server = await startTestServer({ config: { users } });
    const path = '/api/admin/users/bob/grants/team/shared';
    const made = await call(server, 'PUT', path, { body: { access: 'can_view' } });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ folder: 'team/shared', access: 'can_view' });
    expect((await call(server, 'PUT', path, { body: { access: 'can_contribute' } })).status).toBe(200);
    expect((await call(server, 'GET', path)).body).toEqual({ folder: 'team/shared', access: 'can_contribute' });
    expect((await call(server, 'GET', '/api/admin/users/bob/grants')).body).toEqual({
      grants: [
        { folder: 'team/shared', access: 'can_contribute' },
        { folder: 'users/42', access: 'can_contribute' },
      ],
    });
    expect((await call(server, 'DELETE', path)).status).toBe(200);
    expectError(await call(server, 'DELETE', path), 404, 'NOT_FOUND');
    expectError(await call(server, 'GET', path), 404, 'NOT_FOUND');
    expectError(
      await call(server, 'PUT', '/api/admin/users/nobody/grants/x', { body: { access: 'can_view' } }),
      404,
      'NOT_FOUND',
    );
    expectError(await call(server, 'GET', '/api/admin/users/nobody/grants'), 404, 'NOT_FOUND');
  });

  test('refuses malformed users, roles, grants and folder paths with 400, writing nothing', async () => {
    const server = await startTestServer({ config: { users } });
    const before = await server.catalog.users.list();
    const cases: [method: string, path: string, body: unknown, code: string][] = [
      ['PUT', '/api/admin/users/bad%20id', { role: 'admin' }, 'PARAM_INVALID'],
      ['PUT', '/api/admin/users/-dash', { role: 'admin' }, 'PARAM_INVALID'],
      ['PUT', '/api/admin/users/eve', { role: 'root' }, 'PARAM_INVALID'],
      ['PUT', '/api/admin/users/eve', { role: 'admin', extra: 1 }, 'PARAM_INVALID'],
      ['PUT', '/api/admin/users/eve', { id: 'mallory', role: 'admin' }, 'PARAM_INVALID'],
      ['PUT', '/api/admin/users/eve', ['admin'], 'PARAM_INVALID'],
      ['PUT', '/api/admin/users/eve', { role: 'contributor', grants: 'users/42' }, 'PARAM_INVALID'],
      [
        'PUT',
        '/api/admin/users/eve',
        { role: 'contributor', grants: [{ folder: 'users//42', access: 'can_view' }] },
        'FOLDER_INVALID',
      ],
      [
        'PUT',
        '/api/admin/users/eve',
        { role: 'contributor', grants: [{ folder: '', access: 'can_view' }] },
        'FOLDER_INVALID',
      ],
      [
        'PUT',
        '/api/admin/users/eve',
        {
          role: 'contributor',
          grants: [
            { folder: 'a', access: 'can_view' },
            { folder: 'a', access: 'can_contribute' },
          ],
        },
        'PARAM_INVALID',
      ],
      ['PUT', '/api/admin/users/bob/grants/users%2F43', { access: 'can_view' }, 'FOLDER_INVALID'],
      ['PUT', '/api/admin/users/bob/grants/users/43/', { access: 'can_view' }, 'FOLDER_INVALID'],
      ['PUT', '/api/admin/users/bob/grants/users//43', { access: 'can_view' }, 'FOLDER_INVALID'],
      ['PUT', '/api/admin/users/bob/grants/users/43', { access: 'admin' }, 'PARAM_INVALID'],
      ['PUT', '/api/admin/users/bob/grants/users/43', { access: 'can_view', folder: 'x' }, 'PARAM_INVALID'],
      ['DELETE', '/api/admin/users/bob/grants/users%2F42', undefined, 'FOLDER_INVALID'],
    ];
    for (const [method, path, body, code] of cases) {
      const response = await call(server, method, path, { body });
      expect({ path, body, code: (response.body.error as { code: string } | undefined)?.code }).toEqual({
        path,
        body,
        code,
      });
      expect(response.status).toBe(400);
    }
    expect(await server.catalog.users.list()).toEqual(before);
  });

  test('a grant path with "." or ".." segments is refused as sent (400), never resolved to another folder', async () => {
    const server = await startTestServer({ config: { users } });
    const before = await server.catalog.users.list();
    // fetch() would resolve the dots before sending; node:http sends the path exactly as written.
    for (const path of ['users/../x', 'users/%2E%2E/x', 'users/%2e./x', 'users/./42', 'users/42/%2E']) {
      const response = await rawRequest(server, 'PUT', `/api/admin/users/bob/grants/${path}`, { access: 'can_view' });
      expect({ path, status: response.status, code: response.body.error?.code }).toEqual({
        path,
        status: 400,
        code: 'FOLDER_INVALID',
      });
    }
    expect(await server.catalog.users.list()).toEqual(before);
  });
});

function rawRequest(
  server: SignetServer,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: { error?: { code: string } } }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.url);
    const req = request(
      {
        hostname,
        port,
        path,
        method,
        headers: {
          Authorization: `Bearer ${server.credentials.admin_token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(text),
        },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          data += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

describe('users from the config file', () => {
  test('are seeded on start; admin API changes stand across restarts until the file changes that user', async () => {
    const dataDir = await tempDir();
    const config: DeepPartial<ServerConfig> = {
      users: { ...users, 'cy-token-0123456789abc': { id: 'cy', role: 'contributor' } },
    };
    const first = await startTestServer({ dataDir, config });
    await call(first, 'PUT', '/api/admin/users/bob', { body: { role: 'admin', grants: [] } });
    await call(first, 'PUT', '/api/admin/users/cy/grants/cy', { body: { access: 'can_contribute' } });
    await call(first, 'PUT', '/api/admin/users/zed', { body: { role: 'contributor' } });
    await first.close();

    const changed = [
      { id: 'ann', role: 'admin', grants: [] },
      { id: 'bob', role: 'admin', grants: [] },
      { id: 'cy', role: 'contributor', grants: [{ folder: 'cy', access: 'can_contribute' }] },
      { id: 'zed', role: 'contributor', grants: [] },
    ];
    const second = await startTestServer({ dataDir, config });
    expect(await second.catalog.users.list()).toEqual(changed);
    await second.close();

    // Bob's entry changes: it applies again. The others' entries did not: their records stay as they are.
    const bob: ConfigUser = { id: 'bob', role: 'contributor', grants: [{ folder: 'users/43', access: 'can_view' }] };
    const third = await startTestServer({ dataDir, config: { users: { ...config.users, [BOB]: bob } } });
    expect(await third.catalog.users.list()).toEqual([changed[0], bob, changed[2], changed[3]]);
  });

  test('a user deleted through the admin API is refused at once, and after restarts, until the file changes it', async () => {
    const dataDir = await tempDir();
    const config: DeepPartial<ServerConfig> = { users: { ...users, [ADMIN1]: { id: 'admin1', role: 'admin' } } };
    const first = await startTestServer({ dataDir, config });
    expect((await signAs(first, ADMIN1, 'vault')).status).toBe(200);
    expect((await call(first, 'DELETE', '/api/admin/users/admin1')).status).toBe(200);
    expectError(await signAs(first, ADMIN1, 'vault'), 401, 'UNAUTHENTICATED');
    expectError(await call(first, 'GET', '/api/me', { token: ADMIN1 }), 401, 'UNAUTHENTICATED');
    await first.close();

    const second = await startTestServer({ dataDir, config });
    expectError(await signAs(second, ADMIN1, 'vault'), 401, 'UNAUTHENTICATED');
    expect((await second.catalog.users.list()).map((user) => user.id)).toEqual(['ann', 'bob']);
    await second.close();

    // The operator takes admin1 back by changing its entry: now a contributor to vault alone.
    const readmitted: ConfigUser = {
      id: 'admin1',
      role: 'contributor',
      grants: [{ folder: 'vault', access: 'can_contribute' }],
    };
    const third = await startTestServer({ dataDir, config: { users: { ...users, [ADMIN1]: readmitted } } });
    expect((await signAs(third, ADMIN1, 'vault')).status).toBe(200);
    expectError(await signAs(third, ADMIN1, 'elsewhere'), 403, 'FORBIDDEN_FOLDER');
  });

  test('a demotion through the admin API holds at once, and after restarts, until the file changes that user', async () => {
    const dataDir = await tempDir();
    const config: DeepPartial<ServerConfig> = { users: { ...users, [ADMIN1]: { id: 'admin1', role: 'admin' } } };
    const first = await startTestServer({ dataDir, config });
    await call(first, 'PUT', '/api/admin/users/admin1', { body: { role: 'contributor' } });
    expectError(await signAs(first, ADMIN1, 'vault'), 403, 'FORBIDDEN_FOLDER');
    expect((await call(first, 'GET', '/api/me', { token: ADMIN1 })).body).toMatchObject({ role: 'contributor' });
    await first.close();

    const second = await startTestServer({ dataDir, config });
    expectError(await signAs(second, ADMIN1, 'vault'), 403, 'FORBIDDEN_FOLDER');
    await second.close();

    const changed: ConfigUser = {
      id: 'admin1',
      role: 'contributor',
      grants: [{ folder: 'vault', access: 'can_view' }],
    };
    const third = await startTestServer({ dataDir, config: { users: { ...users, [ADMIN1]: changed } } });
    expect((await call(third, 'GET', '/api/me', { token: ADMIN1 })).body).toEqual(changed);
  });

  test('a grant revoked through the admin API stays revoked after restarts, until the file changes that user', async () => {
    const dataDir = await tempDir();
    const first = await startTestServer({ dataDir, config: { users } });
    expect((await signAs(first, BOB, 'users/42')).status).toBe(200);
    await call(first, 'DELETE', '/api/admin/users/bob/grants/users/42');
    expectError(await signAs(first, BOB, 'users/42'), 403, 'FORBIDDEN_FOLDER');
    await first.close();

    const second = await startTestServer({ dataDir, config: { users } });
    expectError(await signAs(second, BOB, 'users/42'), 403, 'FORBIDDEN_FOLDER');
    await second.close();

    const regranted: ConfigUser = {
      id: 'bob',
      role: 'contributor',
      grants: [
        { folder: 'team', access: 'can_view' },
        { folder: 'users/42', access: 'can_contribute' },
      ],
    };
    const third = await startTestServer({ dataDir, config: { users: { ...users, [BOB]: regranted } } });
    expect((await signAs(third, BOB, 'users/42')).status).toBe(200);
  });

  test('a token added for a user (rotation) changes nobody’s rights: a deleted user stays deleted', async () => {
    const dataDir = await tempDir();
    const first = await startTestServer({ dataDir, config: { users } });
    await call(first, 'DELETE', '/api/admin/users/bob');
    await first.close();
    const rotated = 'bob-new-token-0123456789';
    const second = await startTestServer({ dataDir, config: { users: { ...users, [rotated]: users[BOB] } } });
    expectError(await signAs(second, rotated, 'users/42'), 401, 'UNAUTHENTICATED');
  });

  test('demo mode seeds its one admin, "demo"', async () => {
    const server = await startTestServer();
    expect(await server.catalog.users.list()).toEqual([{ id: 'demo', role: 'admin', grants: [] }]);
  });

  test.each([
    ['a short token', { short: { id: 'a', role: 'admin' } }, /16 characters/],
    ['an unknown role', { 'long-enough-token-1': { id: 'a', role: 'root' } }, /role/],
    ['a bad id', { 'long-enough-token-1': { id: 'a b', role: 'admin' } }, /user id/],
    [
      'a grant on a bad folder',
      { 'long-enough-token-1': { id: 'a', role: 'contributor', grants: [{ folder: 'a/../b', access: 'can_view' }] } },
      /"a".*folder/,
    ],
    [
      'a grant with an unknown access',
      { 'long-enough-token-1': { id: 'a', role: 'contributor', grants: [{ folder: 'a', access: 'owner' }] } },
      /access/,
    ],
    [
      'grants on an admin',
      { 'long-enough-token-1': { id: 'a', role: 'admin', grants: [{ folder: 'a', access: 'can_view' }] } },
      /admin has no grants/,
    ],
    [
      'one id with two roles',
      {
        'long-enough-token-1': { id: 'a', role: 'admin' },
        'long-enough-token-2': { id: 'a', role: 'contributor' },
      },
      /different roles/,
    ],
  ])('refuses to start with %s', async (_name, badUsers, message) => {
    await expect(
      startServer({ port: 0, dataDir: await tempDir(), env: {}, log: () => {}, config: { users: badUsers as never } }),
    ).rejects.toThrow(message);
  });

  test('one user may have several tokens that say the same', async () => {
    const server = await startTestServer({
      config: {
        users: {
          'long-enough-token-1': { id: 'a', role: 'admin' },
          'long-enough-token-2': { id: 'a', role: 'admin' },
        },
      },
    });
    for (const token of ['long-enough-token-1', 'long-enough-token-2'])
      expect((await call(server, 'GET', '/api/me', { token })).body).toMatchObject({ id: 'a', role: 'admin' });
  });
});

describe('GET /api/me', () => {
  test('answers the caller with its role and grants as the catalogue holds them now; 401 without a user', async () => {
    const server = await startTestServer({ config: { users } });
    expect((await call(server, 'GET', '/api/me', { token: BOB })).body).toEqual({
      id: 'bob',
      role: 'contributor',
      grants: [{ folder: 'users/42', access: 'can_contribute' }],
    });
    await call(server, 'PUT', '/api/admin/users/bob/grants/team', { body: { access: 'can_view' } });
    expect((await call(server, 'GET', '/api/me', { token: BOB })).body.grants).toEqual([
      { folder: 'team', access: 'can_view' },
      { folder: 'users/42', access: 'can_contribute' },
    ]);
    expectError(await call(server, 'GET', '/api/me', { token: null }), 401, 'UNAUTHENTICATED');
    expectError(await call(server, 'GET', '/api/me', { token: 'unknown-token-0123456' }), 401, 'UNAUTHENTICATED');
  });

  test('the demo page’s cookie is the demo admin', async () => {
    const server = await startTestServer();
    const me = await call(server, 'GET', '/api/me', {
      token: null,
      headers: { Cookie: `signet_token=${server.credentials.demo_token}` },
    });
    expect(me.body).toEqual({ id: 'demo', role: 'admin', grants: [] });
  });
});

describe('a custom authenticate hook', () => {
  test("names the user; the hook's role holds until the catalogue has a record, which then wins", async () => {
    const server = await startTestServer({
      config: { users },
      authenticate: (req) => {
        const who = req.headers['x-user'];
        return who === 'hal' ? { id: 'hal', role: 'admin' } : who === 'ivy' ? { id: 'ivy', role: 'contributor' } : null;
      },
    });
    const as = (who: string, method: string, path: string, body?: unknown) =>
      call(server, method, path, { token: null, headers: { 'X-User': who }, body });
    expect((await as('hal', 'GET', '/api/me')).body).toEqual({ id: 'hal', role: 'admin', grants: [] });
    expect((await as('ivy', 'GET', '/api/me')).body).toEqual({ id: 'ivy', role: 'contributor', grants: [] });
    // Header-based identities are ambient, like cookies: the request must carry the same-origin marker.
    const sign = (who: string, folder: string) =>
      call(server, 'POST', '/api/sign', {
        token: null,
        headers: { 'X-User': who, 'Sec-Fetch-Site': 'same-origin' },
        body: { timestamp: nowSeconds(), folder },
      });
    expect((await sign('hal', 'any')).status).toBe(200);
    expectError(await sign('ivy', 'ivy'), 403, 'FORBIDDEN_FOLDER');

    await call(server, 'PUT', '/api/admin/users/ivy', {
      body: { role: 'contributor', grants: [{ folder: 'ivy', access: 'can_contribute' }] },
    });
    expect((await sign('ivy', 'ivy')).status).toBe(200);
    await call(server, 'PUT', '/api/admin/users/hal', { body: { role: 'contributor' } });
    expectError(await sign('hal', 'any'), 403, 'FORBIDDEN_FOLDER');
    expectError(await call(server, 'GET', '/api/me', { token: null }), 401, 'UNAUTHENTICATED');

    // Deleted through the admin API, a hook's user is nobody (not the hook's admin again) until created again.
    await call(server, 'DELETE', '/api/admin/users/hal');
    expectError(await as('hal', 'GET', '/api/me'), 401, 'UNAUTHENTICATED');
    expectError(await sign('hal', 'any'), 401, 'UNAUTHENTICATED');
    await call(server, 'PUT', '/api/admin/users/hal', { body: { role: 'admin' } });
    expect((await sign('hal', 'any')).status).toBe(200);
  });
});
