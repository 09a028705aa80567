// Folder permissions over real HTTP: the signing endpoint signs only folders its caller may contribute to, and the
// upload endpoint checks them again with the grants as they are at upload time (security case A9, C20).

import type { UploadParams } from 'signet-upload/protocol';
import { describe, expect, test } from 'vitest';
import type { DeepPartial, ServerConfig, SignetServer } from '../src/index.js';
import { sign } from '../src/signing.js';
import { makePng } from './fixtures/png.js';
import {
  dataState,
  expectError,
  expectNothingStored,
  type JsonResponse,
  nowSeconds,
  postUpload,
  signed,
  startTestServer,
  tempDir,
} from './helpers.js';

const ADMIN_USER = 'ann-token-0123456789ab';
const BOB = 'bob-token-0123456789abc';
const CAROL = 'carol-token-0123456789a';
const png = { data: makePng(6, 4), name: 'photo.png' };

const config: DeepPartial<ServerConfig> = {
  users: {
    [ADMIN_USER]: { id: 'ann', role: 'admin' },
    [BOB]: {
      id: 'bob',
      role: 'contributor',
      grants: [
        { folder: 'users/42', access: 'can_contribute' },
        { folder: 'team', access: 'can_view' },
        { folder: 'team/bob', access: 'can_contribute' },
      ],
    },
    [CAROL]: { id: 'carol', role: 'contributor' },
  },
  presets: { mine: { folder: 'users/42' }, theirs: { folder: 'users/43' } },
};

function permissionServer(more: Parameters<typeof startTestServer>[0] = {}) {
  return startTestServer({ ...more, config: { ...config, ...more.config } });
}

async function json(response: Response): Promise<JsonResponse> {
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** POST /api/sign as the user of `token`. */
async function signAs(server: SignetServer, token: string, params: UploadParams): Promise<JsonResponse> {
  return json(
    await fetch(`${server.url}/api/sign`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(params),
    }),
  );
}

/** The upload fields for `params` with the signature the endpoint answered. */
function fieldsFor(params: UploadParams, answer: JsonResponse): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])),
    api_key: String(answer.body.api_key),
    signature: String(answer.body.signature),
  };
}

async function admin(server: SignetServer, method: string, path: string, body?: unknown): Promise<JsonResponse> {
  return json(
    await fetch(`${server.url}/api/admin${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${server.credentials.admin_token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

const codeOf = (response: JsonResponse): string =>
  response.status === 200 ? 'ok' : String((response.body.error as { code?: string } | undefined)?.code);

describe('role × folder over HTTP: sign, then upload', () => {
  // [who, params, expected]: 'ok' = signed, uploaded, and delivered under that folder.
  const cases: [who: string, params: Record<string, string>, expected: string, folder?: string][] = [
    ['admin', {}, 'ok', ''],
    ['admin', { folder: 'anywhere/at/all' }, 'ok', 'anywhere/at/all'],
    ['admin', { folder: 'users/420' }, 'ok', 'users/420'],
    ['admin', { public_id: 'users/43/x' }, 'ok', 'users/43'],
    ['admin', { upload_preset: 'theirs' }, 'ok', 'users/43'],
    ['bob', { folder: 'users/42' }, 'ok', 'users/42'],
    ['bob', { folder: 'users/42/sub/deeper' }, 'ok', 'users/42/sub/deeper'],
    ['bob', { public_id: 'users/42/x' }, 'ok', 'users/42'],
    ['bob', { folder: 'users', public_id: '42/x' }, 'ok', 'users/42'],
    ['bob', { upload_preset: 'mine' }, 'ok', 'users/42'],
    ['bob', { folder: 'team/bob' }, 'ok', 'team/bob'],
    ['bob', { folder: 'users/42', asset_folder: 'users/42/shown' }, 'ok', 'users/42'],
    ['bob', {}, 'FORBIDDEN_FOLDER'],
    ['bob', { public_id: 'top' }, 'FORBIDDEN_FOLDER'],
    ['bob', { folder: 'team' }, 'FORBIDDEN_FOLDER'],
    ['bob', { folder: 'team/alice' }, 'FORBIDDEN_FOLDER'],
    ['bob', { folder: 'users' }, 'FORBIDDEN_FOLDER'],
    ['bob', { folder: 'users/420' }, 'FORBIDDEN_FOLDER'],
    ['bob', { folder: 'users/4' }, 'FORBIDDEN_FOLDER'],
    ['bob', { folder: 'users/42-old' }, 'FORBIDDEN_FOLDER'],
    ['bob', { folder: 'Users/42' }, 'FORBIDDEN_FOLDER'],
    ['bob', { folder: 'USERS/42' }, 'FORBIDDEN_FOLDER'],
    ['bob', { public_id: 'users/420/x' }, 'FORBIDDEN_FOLDER'],
    ['bob', { folder: 'users/4', public_id: '2/x' }, 'FORBIDDEN_FOLDER'],
    ['bob', { upload_preset: 'theirs' }, 'FORBIDDEN_FOLDER'],
    ['bob', { upload_preset: 'mine', folder: 'users/43' }, 'FORBIDDEN_FOLDER'],
    ['bob', { folder: 'users/42', asset_folder: 'users/43' }, 'FORBIDDEN_FOLDER'],
    ['bob', { folder: 'users/42/../43' }, 'FOLDER_INVALID'],
    ['bob', { folder: 'users/42/./x' }, 'FOLDER_INVALID'],
    ['bob', { folder: 'users%2F42' }, 'FOLDER_INVALID'],
    ['bob', { folder: 'users/42%2F..%2F43' }, 'FOLDER_INVALID'],
    ['bob', { folder: 'users//42' }, 'FOLDER_INVALID'],
    ['bob', { folder: 'users/42/' }, 'FOLDER_INVALID'],
    ['bob', { folder: '/users/42' }, 'FOLDER_INVALID'],
    ['bob', { folder: 'users\\42' }, 'FOLDER_INVALID'],
    ['bob', { folder: 'users/４２' }, 'FOLDER_INVALID'],
    ['bob', { public_id: 'users/42.x/y' }, 'FOLDER_INVALID'],
    ['bob', { public_id: 'users/42/../43/x' }, 'PUBLIC_ID_INVALID'],
    ['bob', { public_id: 'users//42/x' }, 'PUBLIC_ID_INVALID'],
    ['bob', { public_id: 'users%2F42%2Fx' }, 'PUBLIC_ID_INVALID'],
    ['carol', { folder: 'users/42' }, 'FORBIDDEN_FOLDER'],
    ['carol', {}, 'FORBIDDEN_FOLDER'],
  ];
  const tokens: Record<string, string> = { admin: ADMIN_USER, bob: BOB, carol: CAROL };

  test.each(cases)('%s signing %j → %s', async (who, extra, expected, folder) => {
    const server = await permissionServer();
    const params = { timestamp: nowSeconds(), ...extra };
    const answer = await signAs(server, tokens[who] as string, params);
    expect(codeOf(answer)).toBe(expected);
    if (expected !== 'ok') {
      expect(answer.status).toBe(expected === 'FORBIDDEN_FOLDER' ? 403 : 400);
      // Refused before anything was signed or recorded.
      expect((await server.catalog.signatures.issued(sign(params, server.credentials.api_secret))).count).toBe(0);
      await expectNothingStored(server);
      return;
    }
    const upload = await postUpload(server, fieldsFor(params, answer), png);
    expect(upload.status).toBe(200);
    expect(upload.body.folder).toBe(folder);
    const prefix = folder ? `${folder}/` : '';
    expect(String(upload.body.secure_url)).toMatch(
      new RegExp(`/image/upload/v\\d+/${prefix.replaceAll('/', '\\/')}[^/]+\\.png$`),
    );
  });

  test('without a user → 401 UNAUTHENTICATED; the signing endpoint records whom it signed for', async () => {
    const server = await permissionServer();
    const refused = await json(
      await fetch(`${server.url}/api/sign`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ timestamp: nowSeconds(), folder: 'users/42' }),
      }),
    );
    expectError(refused, 401, 'UNAUTHENTICATED');
    const answer = await signAs(server, BOB, { timestamp: nowSeconds(), folder: 'users/42' });
    expect(await server.catalog.signatures.issued(String(answer.body.signature))).toEqual({
      count: 1,
      signers: [{ id: 'bob', role: 'contributor' }],
    });
  });

  test('a signature made with the API secret elsewhere (the official SDK on a trusted backend) is held to no folders', async () => {
    const server = await permissionServer();
    const upload = await postUpload(server, signed(server, { folder: 'users/420' }), png);
    expect(upload.status).toBe(200);
    expect(upload.body.folder).toBe('users/420');
  });
});

describe('the upload endpoint checks again, with the grants as they are now', () => {
  async function signedByBob(server: SignetServer, params: Record<string, string> = { folder: 'users/42' }) {
    const all = { timestamp: nowSeconds(), ...params };
    const answer = await signAs(server, BOB, all);
    expect(answer.status).toBe(200);
    return fieldsFor(all, answer);
  }

  test('a grant revoked between signing and upload → 403 FORBIDDEN_FOLDER, nothing stored', async () => {
    const server = await permissionServer();
    const fields = await signedByBob(server);
    expect((await admin(server, 'DELETE', '/users/bob/grants/users/42')).status).toBe(200);
    const upload = await postUpload(server, fields, png);
    expectError(upload, 403, 'FORBIDDEN_FOLDER');
    await expectNothingStored(server);

    // Granted again, the very same signature goes through (it was not spent by the refusal).
    await admin(server, 'PUT', '/users/bob/grants/users/42', { access: 'can_contribute' });
    expect((await postUpload(server, fields, png)).status).toBe(200);
  });

  test('a grant narrowed to can_view, a role demoted or a user deleted → 403, nothing stored', async () => {
    const server = await permissionServer();
    const narrowed = await signedByBob(server);
    await admin(server, 'PUT', '/users/bob/grants/users/42', { access: 'can_view' });
    expectError(await postUpload(server, narrowed, png), 403, 'FORBIDDEN_FOLDER');

    const anns = { timestamp: nowSeconds(), folder: 'anywhere' };
    const answer = await signAs(server, ADMIN_USER, anns);
    expect(answer.status).toBe(200);
    await admin(server, 'PUT', '/users/ann', { role: 'contributor' });
    expectError(await postUpload(server, fieldsFor(anns, answer), png), 403, 'FORBIDDEN_FOLDER');

    await admin(server, 'PUT', '/users/bob/grants/users/42', { access: 'can_contribute' });
    const deleted = await signedByBob(server, { folder: 'users/42/sub' });
    await admin(server, 'DELETE', '/users/bob');
    expectError(await postUpload(server, deleted, png), 403, 'FORBIDDEN_FOLDER');
    await expectNothingStored(server);
  });

  test('a grant added after signing counts too: the check is of now, not of then', async () => {
    const server = await permissionServer();
    const fields = await signedByBob(server, { folder: 'users/42' });
    await admin(server, 'PUT', '/users/bob', {
      role: 'contributor',
      grants: [{ folder: 'users/42/x', access: 'can_contribute' }],
    });
    expectError(await postUpload(server, fields, png), 403, 'FORBIDDEN_FOLDER');
    await admin(server, 'PUT', '/users/bob/grants/users', { access: 'can_contribute' });
    expect((await postUpload(server, fields, png)).status).toBe(200);
  });

  describe('chunked uploads', () => {
    const data = Buffer.alloc(300, 7);
    const chunk = (server: SignetServer, fields: Record<string, string>, range: string, bytes: Uint8Array) =>
      postUpload(
        server,
        fields,
        { data: bytes, name: 'big.bin' },
        { resourceType: 'raw', headers: { 'X-Unique-Upload-Id': 'bob-upload-1', 'Content-Range': range } },
      );

    test('a grant revoked between two chunks → 403, the session discarded, nothing stored', async () => {
      const server = await permissionServer();
      const fields = await signedByBob(server, { folder: 'users/42', public_id: 'big' });
      expect((await chunk(server, fields, 'bytes 0-99/300', data.subarray(0, 100))).status).toBe(200);
      await admin(server, 'DELETE', '/users/bob/grants/users/42');
      expectError(await chunk(server, fields, 'bytes 100-199/300', data.subarray(100, 200)), 403, 'FORBIDDEN_FOLDER');
      expect((await dataState(server)).tmpFiles.filter((file) => !file.endsWith('.expired'))).toEqual([]);
      expect((await dataState(server)).rows).toEqual([]);
      expect((await dataState(server)).storeKeys).toEqual([]);
    });

    test('the signer is kept in the session: still held to its grants after the signature record has expired', async () => {
      const clock = { now: Date.now() };
      const server = await permissionServer({
        dataDir: await tempDir(),
        now: () => clock.now,
        config: { limits: { chunkTtlSeconds: 4 * 3600 } },
      });
      const params = { timestamp: Math.floor(clock.now / 1000), folder: 'users/42', public_id: 'long' };
      const answer = await signAs(server, BOB, params);
      const fields = fieldsFor(params, answer);
      expect((await chunk(server, fields, 'bytes 0-99/300', data.subarray(0, 100))).status).toBe(200);

      // Two hours on, every record of the signature is gone; the session still knows it was Bob's.
      clock.now += 2 * 3600 * 1000;
      await server.catalog.signatures.purge(Math.floor(clock.now / 1000));
      expect(await server.catalog.signatures.issued(String(answer.body.signature))).toEqual({ count: 0, signers: [] });
      expect((await chunk(server, fields, 'bytes 100-199/300', data.subarray(100, 200))).status).toBe(200);
      await admin(server, 'DELETE', '/users/bob/grants/users/42');
      expectError(await chunk(server, fields, 'bytes 200-299/300', data.subarray(200)), 403, 'FORBIDDEN_FOLDER');
      expect((await dataState(server)).rows).toEqual([]);
    });

    test('chunks within the grants complete into the folder', async () => {
      const server = await permissionServer();
      const fields = await signedByBob(server, { folder: 'users/42', public_id: 'whole' });
      expect((await chunk(server, fields, 'bytes 0-149/300', data.subarray(0, 150))).status).toBe(200);
      const last = await chunk(server, fields, 'bytes 150-299/300', data.subarray(150));
      expect(last.status).toBe(200);
      expect(last.body).toMatchObject({ public_id: 'users/42/whole', folder: 'users/42', bytes: 300 });
    });
  });
});
