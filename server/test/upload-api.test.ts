// The rest of Cloudinary's Upload API (issue 16) driven by the official Node SDK: destroy, rename, tags, context,
// explicit, delete tokens; and what they refuse — a forged or stale signature, a contributor outside its folders
// (at signing and again at use), a replayed signature, a delete token after its 10 minutes.
import { describe, expect, test } from 'vitest';
import type { DeepPartial, ServerConfig, SignetServer } from '../src/index.js';
import { makePng } from './fixtures/png.js';
import {
  dataState,
  expectError,
  type JsonResponse,
  sdkCall,
  signed as signedFields,
  signedUpload,
  startTestServer,
  type TestServer,
} from './helpers.js';

const png = (seed = 1) => ({ data: makePng(8 + seed, 6), name: `p${seed}.png` });

const BOB = 'bob-token-0123456789abc';
const users: DeepPartial<ServerConfig>['users'] = {
  [BOB]: { id: 'bob', role: 'contributor', grants: [{ folder: 'users/42', access: 'can_contribute' }] },
};

async function upload(server: SignetServer, publicId: string, more: Record<string, string> = {}, seed = 1) {
  const answer = await signedUpload(server, { public_id: publicId, ...more }, png(seed));
  expect(answer.status).toBe(200);
  return answer.body as Record<string, unknown> & { secure_url: string; public_id: string };
}

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

async function rows(server: SignetServer): Promise<Record<string, { tags: string[]; status: string }>> {
  const { rows } = await dataState(server);
  return Object.fromEntries(rows.map((row) => [row.publicId, { tags: row.tags, status: row.status }]));
}

async function post(server: SignetServer, path: string, body: Record<string, string>): Promise<JsonResponse> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** POST /api/sign as Bob. */
async function signAsBob(server: SignetServer, params: Record<string, unknown>): Promise<JsonResponse> {
  const response = await fetch(`${server.url}/api/sign`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${BOB}` },
    body: JSON.stringify(params),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** The SDK's options for a call signed elsewhere (it then sends exactly these). */
function presigned(params: Record<string, unknown>, answer: JsonResponse): Record<string, unknown> {
  return { ...params, signature: answer.body.signature, api_key: answer.body.api_key };
}

describe('uploader.destroy', () => {
  test('removes the record and the bytes; delivery answers 404; a second destroy says "not found"', async () => {
    const server = await startTestServer();
    const asset = await upload(server, 'trip/a');
    await upload(server, 'trip/b', {}, 2);
    const before = await dataState(server);

    expect(await sdkCall(server, 'uploader.destroy', ['trip/a'])).toEqual({ result: { result: 'ok' } });
    expect(await status(asset.secure_url)).toBe(404);
    const after = await dataState(server);
    expect(after.rows.map((row) => row.publicId)).toEqual(['trip/b']);
    expect(after.storeKeys).toHaveLength(before.storeKeys.length - 1);
    expect(await sdkCall(server, 'uploader.destroy', ['trip/a'])).toEqual({ result: { result: 'not found' } });
    // Another delivery type holds nothing here; another resource type neither.
    expect(await sdkCall(server, 'uploader.destroy', ['trip/b', { type: 'private' }])).toEqual({
      result: { result: 'not found' },
    });
    expect(await sdkCall(server, 'uploader.destroy', ['trip/b', { resource_type: 'raw' }])).toEqual({
      result: { result: 'not found' },
    });
    expect((await dataState(server)).rows).toHaveLength(1);
  });

  test('a wrong secret → 401 SIGNATURE_INVALID, a stale timestamp → 401 SIGNATURE_EXPIRED; nothing removed', async () => {
    let clock = Date.now();
    const server = await startTestServer({ now: () => clock });
    await upload(server, 'keep');
    const forged = await sdkCall(server, 'uploader.destroy', ['keep'], { api_secret: 'not-the-secret' });
    expect(forged.error).toMatchObject({ http_code: 401, message: expect.stringContaining('Invalid Signature') });
    // The SDK signs with the real clock; the server's runs more than an hour ahead of it.
    clock += 3700 * 1000;
    const stale = await sdkCall(server, 'uploader.destroy', ['keep']);
    expect(stale.error).toMatchObject({ http_code: 401, message: expect.stringContaining('Stale request') });
    expect(Object.keys(await rows(server))).toEqual(['keep']);
  });
});

describe('uploader.rename', () => {
  test('moves an asset (version and bytes stay, delivery follows), refuses a held name unless overwrite', async () => {
    const server = await startTestServer();
    const a = await upload(server, 'trip/a');
    const b = await upload(server, 'other/b', {}, 2);

    const moved = await sdkCall(server, 'uploader.rename', ['trip/a', 'trip/day-1/a']);
    expect(moved.result).toMatchObject({ public_id: 'trip/day-1/a', version: a.version, folder: 'trip/day-1' });
    expect(await status(a.secure_url)).toBe(404);
    const delivered = await fetch(moved.result?.secure_url as string);
    expect(delivered.status).toBe(200);
    expect(new Uint8Array(await delivered.arrayBuffer())).toEqual(new Uint8Array(png(1).data));

    const taken = await sdkCall(server, 'uploader.rename', ['trip/day-1/a', 'other/b']);
    expect(taken.error).toMatchObject({ http_code: 400, message: expect.stringContaining('already exists') });
    expect(Object.keys(await rows(server)).sort()).toEqual(['other/b', 'trip/day-1/a']);

    const storeBefore = (await dataState(server)).storeKeys.length;
    const replaced = await sdkCall(server, 'uploader.rename', ['trip/day-1/a', 'other/b', { overwrite: true }]);
    expect(replaced.result).toMatchObject({ public_id: 'other/b', asset_id: a.asset_id });
    expect(Object.keys(await rows(server))).toEqual(['other/b']);
    // The replaced asset's bytes went with it.
    expect((await dataState(server)).storeKeys).toHaveLength(storeBefore - 1);
    expect(b.asset_id).not.toBe(a.asset_id);

    const missing = await sdkCall(server, 'uploader.rename', ['nope', 'elsewhere']);
    expect(missing.error).toMatchObject({ http_code: 404, message: 'Resource not found - nope' });
  });

  test('to_type other than "upload" is refused clearly (400 PARAM_NOT_ALLOWED), nothing moves', async () => {
    const server = await startTestServer();
    await upload(server, 'a');
    const answer = await sdkCall(server, 'uploader.rename', ['a', 'b', { to_type: 'private' }]);
    expect(answer.error).toMatchObject({ http_code: 400, message: expect.stringContaining('to_type "private"') });
    const raw = await post(server, `/v1_1/${server.credentials.cloud_name}/image/rename`, {
      from_public_id: 'a',
      to_public_id: 'b',
      to_type: 'authenticated',
    });
    expectError(raw, 400, 'PARAM_NOT_ALLOWED');
    expect(Object.keys(await rows(server))).toEqual(['a']);
  });
});

describe('uploader tags and context', () => {
  test('add_tag, remove_tag, replace_tag, remove_all_tags on several assets; unknown ones are left out', async () => {
    const server = await startTestServer();
    await upload(server, 'x', { tags: 'old' });
    await upload(server, 'y', {}, 2);
    const added = await sdkCall(server, 'uploader.add_tag', ['red,blue', ['x', 'y', 'ghost']]);
    expect(added).toEqual({ result: { public_ids: ['x', 'y'] } });
    expect(await rows(server)).toMatchObject({ x: { tags: ['old', 'red', 'blue'] }, y: { tags: ['red', 'blue'] } });

    await sdkCall(server, 'uploader.remove_tag', ['red', ['x']]);
    expect((await rows(server)).x?.tags).toEqual(['old', 'blue']);
    await sdkCall(server, 'uploader.replace_tag', ['only', ['y']]);
    expect((await rows(server)).y?.tags).toEqual(['only']);
    await sdkCall(server, 'uploader.remove_all_tags', [['x', 'y']]);
    expect(await rows(server)).toMatchObject({ x: { tags: [] }, y: { tags: [] } });

    // A tag that breaks the rules is refused before anything changes.
    const bad = await sdkCall(server, 'uploader.add_tag', ['a|b', ['x']]);
    expect(bad.error).toMatchObject({ http_code: 400 });
    // `set_exclusive` (the SDK's add_tag with `exclusive`, which 2.11 does not send) would touch every other asset.
    const exclusive = await post(server, `/v1_1/${server.credentials.cloud_name}/image/tags`, {
      ...signedFields(server, { command: 'set_exclusive', tag: 'solo', public_ids: 'x' }),
    });
    expectError(exclusive, 400, 'PARAM_INVALID');
    expect((await rows(server)).x?.tags).toEqual([]);
  });

  test('add_context merges keys, remove_all_context clears them; listed in the asset', async () => {
    const server = await startTestServer();
    await upload(server, 'x', { context: 'alt=old|keep=1' });
    expect(await sdkCall(server, 'uploader.add_context', [{ alt: 'new = a|b', caption: 'c' }, ['x']])).toEqual({
      result: { public_ids: ['x'] },
    });
    const { rows: after } = await dataState(server);
    expect(after[0]?.context).toEqual({ alt: 'new = a|b', keep: '1', caption: 'c' });
    await sdkCall(server, 'uploader.remove_all_context', [['x']]);
    expect((await dataState(server)).rows[0]?.context).toEqual({});
  });
});

describe('uploader.explicit', () => {
  test('replaces tags and context of a stored asset and queues it for review (moderation: manual)', async () => {
    const server = await startTestServer();
    const asset = await upload(server, 'pic', { tags: 'a' });
    const answer = await sdkCall(server, 'uploader.explicit', [
      'pic',
      { type: 'upload', tags: ['b', 'c'], context: { alt: 'x' }, moderation: 'manual' },
    ]);
    expect(answer.result).toMatchObject({
      public_id: 'pic',
      version: asset.version,
      tags: ['b', 'c'],
      context: { custom: { alt: 'x' } },
      moderation: [{ kind: 'manual', status: 'pending' }],
    });
    expect(await rows(server)).toEqual({ pic: { tags: ['b', 'c'], status: 'pending' } });
    const unknown = await sdkCall(server, 'uploader.explicit', ['nope', { type: 'upload', tags: ['b'] }]);
    expect(unknown.error).toMatchObject({ http_code: 404 });
    const eager = await sdkCall(server, 'uploader.explicit', ['pic', { type: 'upload', eager: [{ width: 10 }] }]);
    expect(eager.error).toMatchObject({ http_code: 400, message: expect.stringContaining('"eager"') });
  });
});

describe('a contributor signing through /api/sign', () => {
  test('destroys and renames inside its folders; outside them it is refused at signing (403)', async () => {
    const server = await startTestServer({ config: { users } });
    await upload(server, 'users/42/a');
    await upload(server, 'users/42/b', {}, 2);
    await upload(server, 'users/43/c', {}, 3);
    const timestamp = Math.floor(Date.now() / 1000);

    const destroy = { public_id: 'users/42/a', timestamp };
    const destroySigned = await signAsBob(server, destroy);
    expect(destroySigned.status).toBe(200);
    expect(await sdkCall(server, 'uploader.destroy', ['users/42/a', presigned(destroy, destroySigned)])).toEqual({
      result: { result: 'ok' },
    });

    const rename = { from_public_id: 'users/42/b', to_public_id: 'users/42/sub/b', timestamp };
    const renameSigned = await signAsBob(server, rename);
    expect(renameSigned.status).toBe(200);
    const renamed = await sdkCall(server, 'uploader.rename', [
      'users/42/b',
      'users/42/sub/b',
      presigned(rename, renameSigned),
    ]);
    expect(renamed.result).toMatchObject({ public_id: 'users/42/sub/b' });

    // Out of its folders: the source, the target, a destroy, a tag call.
    for (const params of [
      { from_public_id: 'users/43/c', to_public_id: 'users/42/c', timestamp },
      { from_public_id: 'users/42/sub/b', to_public_id: 'users/43/b', timestamp },
      { public_id: 'users/43/c', timestamp },
      { public_ids: ['users/42/sub/b', 'users/43/c'], command: 'add', tag: 'x', timestamp },
    ])
      expectError(await signAsBob(server, params), 403, 'FORBIDDEN_FOLDER');
    // Overwrite is the server's to grant, never signed for a page.
    expectError(await signAsBob(server, { ...rename, overwrite: true }), 400, 'PARAM_NOT_ALLOWED');
    expect(Object.keys(await rows(server)).sort()).toEqual(['users/42/sub/b', 'users/43/c']);
  });

  test('a grant revoked after signing refuses at use (403 FORBIDDEN_FOLDER); a signature is used once', async () => {
    const server = await startTestServer({ config: { users } });
    await upload(server, 'users/42/a');
    await upload(server, 'users/42/b', {}, 2);
    const timestamp = Math.floor(Date.now() / 1000);
    const tag = { public_ids: ['users/42/a'], command: 'add', tag: 'ok', timestamp };
    const tagSigned = await signAsBob(server, tag);
    const destroy = { public_id: 'users/42/b', timestamp };
    const destroySigned = await signAsBob(server, destroy);

    const first = await sdkCall(server, 'uploader.add_tag', ['ok', ['users/42/a'], presigned(tag, tagSigned)]);
    expect(first).toEqual({ result: { public_ids: ['users/42/a'] } });
    const again = await sdkCall(server, 'uploader.add_tag', ['ok', ['users/42/a'], presigned(tag, tagSigned)]);
    expect(again.error).toMatchObject({ http_code: 400, message: expect.stringContaining('already used') });

    await server.catalog.users.deleteGrant('bob', 'users/42');
    const revoked = await sdkCall(server, 'uploader.destroy', ['users/42/b', presigned(destroy, destroySigned)]);
    // 403 is the status the Admin API's client reads; the SDK's uploader client reports it without the body.
    expect(revoked.error).toMatchObject({ http_code: 403 });
    const raw = await post(server, `/v1_1/${server.credentials.cloud_name}/image/destroy`, {
      public_id: 'users/42/b',
      timestamp: String(timestamp),
      signature: String(destroySigned.body.signature),
      api_key: String(destroySigned.body.api_key),
    });
    expectError(raw, 403, 'FORBIDDEN_FOLDER');
    expect(Object.keys(await rows(server)).sort()).toEqual(['users/42/a', 'users/42/b']);
  });

  test('a rename signed inside the grants is refused at use when the target folder is no longer granted', async () => {
    const server = await startTestServer({
      config: {
        users: {
          [BOB]: {
            id: 'bob',
            role: 'contributor',
            grants: [
              { folder: 'users/42', access: 'can_contribute' },
              { folder: 'archive', access: 'can_contribute' },
            ],
          },
        },
      },
    });
    await upload(server, 'users/42/a');
    const rename = {
      from_public_id: 'users/42/a',
      to_public_id: 'archive/a',
      timestamp: Math.floor(Date.now() / 1000),
    };
    const renameSigned = await signAsBob(server, rename);
    expect(renameSigned.status).toBe(200);
    await server.catalog.users.deleteGrant('bob', 'archive');
    const refused = await sdkCall(server, 'uploader.rename', [
      'users/42/a',
      'archive/a',
      presigned(rename, renameSigned),
    ]);
    expect(refused.error).toMatchObject({ http_code: 403 });
    expect(Object.keys(await rows(server))).toEqual(['users/42/a']);
  });

  test('renaming into a folder outside the grants with a signature the secret made is not held to users', async () => {
    // The API secret's holder (a trusted backend) is not a user: its calls go anywhere, as with Cloudinary.
    const server: TestServer = await startTestServer({ config: { users } });
    await upload(server, 'users/42/a');
    expect((await sdkCall(server, 'uploader.rename', ['users/42/a', 'elsewhere/a'])).result).toMatchObject({
      public_id: 'elsewhere/a',
    });
  });
});

describe('delete tokens', () => {
  test('an upload with return_delete_token gets one; it deletes that asset for 10 minutes, without a signature', async () => {
    let clock = Date.now();
    const server = await startTestServer({ now: () => clock });
    const { result } = await sdkCall(server, 'uploader.upload', [
      `data:image/png;base64,${Buffer.from(png(1).data).toString('base64')}`,
      { public_id: 'mine', return_delete_token: true },
    ]);
    const token = result?.delete_token as string;
    expect(token).toEqual(expect.any(String));
    const plain = await sdkCall(server, 'uploader.upload', [
      `data:image/png;base64,${Buffer.from(png(2).data).toString('base64')}`,
      { public_id: 'other' },
    ]);
    expect(plain.result).not.toHaveProperty('delete_token');

    clock += 9 * 60 * 1000;
    const cloud = server.credentials.cloud_name;
    const browser = await fetch(`${server.url}/v1_1/${cloud}/delete_by_token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://elsewhere.example' },
      body: JSON.stringify({ token }),
    });
    expect(browser.status).toBe(200);
    expect(browser.headers.get('access-control-allow-origin')).toBe('*');
    expect(await browser.json()).toEqual({ result: 'ok' });
    expect(Object.keys(await rows(server))).toEqual(['other']);
    // Once gone, the token finds nothing.
    expectError(await post(server, `/v1_1/${cloud}/delete_by_token`, { token }), 404, 'NOT_FOUND');
  });

  test('expires after 10 minutes (401 SIGNATURE_EXPIRED); a forged or altered token is 401; an overwrite outlives it', async () => {
    let clock = Date.now();
    const server = await startTestServer({ now: () => clock });
    const cloud = server.credentials.cloud_name;
    const first = await upload(server, 'late', { return_delete_token: 'true' });
    const token = first.delete_token as string;
    const preflight = await fetch(`${server.url}/v1_1/${cloud}/delete_by_token`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);

    clock += 10 * 60 * 1000 + 1000;
    expectError(await post(server, `/v1_1/${cloud}/delete_by_token`, { token }), 401, 'SIGNATURE_EXPIRED');
    expect(Object.keys(await rows(server))).toEqual(['late']);

    clock = Date.now();
    const [payload = '', mac = ''] = token.split('.');
    const altered = `${Buffer.from(Buffer.from(payload, 'base64url').toString().replace('late', 'lata')).toString(
      'base64url',
    )}.${mac}`;
    expectError(await post(server, `/v1_1/${cloud}/delete_by_token`, { token: altered }), 401, 'SIGNATURE_INVALID');
    expectError(await post(server, `/v1_1/${cloud}/delete_by_token`, { token: 'abc' }), 401, 'SIGNATURE_INVALID');
    expectError(await post(server, `/v1_1/${cloud}/delete_by_token`, {}), 400, 'PARAM_INVALID');

    // A token deletes the version it was given for: after an overwrite, the new version stays.
    await upload(server, 'late', { overwrite: 'true' }, 2);
    expectError(await post(server, `/v1_1/${cloud}/delete_by_token`, { token }), 404, 'NOT_FOUND');
    expect(Object.keys(await rows(server))).toEqual(['late']);
  });
});
