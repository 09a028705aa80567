// Unsigned presets keep anonymous uploads inside their folder, and an `existing: true` answer never hands a caller
// the metadata of an asset it may not view (issue 12 case 1; security cases 11, 12 and 40).
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UploadParams } from 'signet-upload/protocol';
import { describe, expect, test } from 'vitest';
import type { DeepPartial, ServerConfig, SignetServer } from '../src/index.js';
import { type ExplicitParams, resolveUploadSettings } from '../src/presets/resolve.js';
import { makePng } from './fixtures/png.js';
import {
  dataState,
  expectError,
  expectNothingStored,
  type JsonResponse,
  nowSeconds,
  postUpload,
  runSdk,
  signed,
  signedUpload,
  startTestServer,
  type TestServer,
  tempDir,
} from './helpers.js';

const ANN = 'ann-token-0123456789abcd';
const BOB = 'bob-token-0123456789abcd';
const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const secret = makePng(30, 20);
const mine = makePng(8, 8);
const file = { data: mine, name: 'mine.png' };

const config: DeepPartial<ServerConfig> = {
  users: {
    [ANN]: { id: 'ann', role: 'admin' },
    [BOB]: { id: 'bob', role: 'contributor', grants: [{ folder: 'team/bob', access: 'can_contribute' }] },
  },
  presets: {
    // The preset's context marks where anonymous uploads came from; a client must not be able to say otherwise.
    anon: { unsigned: true, folder: 'inbox', context: { source: 'anonymous' }, tags: ['anon'] },
    byName: { unsigned: true, folder: 'inbox', use_filename: true, unique_filename: false },
    review: { moderation: 'manual' },
  },
};

function scopeServer(more: DeepPartial<ServerConfig> = {}): Promise<TestServer> {
  // Chunks as small as a test sends them.
  return startTestServer({ config: { ...config, limits: { minChunkSize: 1 }, ...more } });
}

async function signAs(server: SignetServer, token: string, params: UploadParams): Promise<Record<string, string>> {
  const response = await fetch(`${server.url}/api/sign`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(params),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  expect(response.status).toBe(200);
  return {
    ...Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])),
    api_key: String(answer.api_key),
    signature: String(answer.signature),
  };
}

async function adminPost(server: SignetServer, path: string): Promise<number> {
  const response = await fetch(`${server.url}/api/admin${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.credentials.admin_token}` },
  });
  await response.arrayBuffer();
  return response.status;
}

/** A private asset, stored with the API secret: tags and context nobody else may read. */
async function privateAsset(server: SignetServer, publicId: string, params: UploadParams = {}): Promise<JsonResponse> {
  const response = await signedUpload(
    server,
    { public_id: publicId, tags: 'confidential', context: 'owner=bob', ...params },
    { data: secret, name: 'salaries.png' },
  );
  expect(response.status).toBe(200);
  return response;
}

/** The refusal says nothing of the asset that holds the name: no tags, context, URL, size or dates. */
function expectNothingRevealed(response: JsonResponse, stored: JsonResponse): void {
  expectError(response, 400, 'PUBLIC_ID_INVALID');
  expect(Object.keys(response.body)).toEqual(['error']);
  const text = JSON.stringify(response.body);
  for (const value of [
    'confidential',
    'owner',
    'salaries',
    stored.body.asset_id,
    stored.body.etag,
    stored.body.version,
  ])
    expect(text).not.toContain(String(value));
}

/** Only the private asset is there, its bytes and row untouched, no temp file or chunk data left. */
async function expectOnlyTheStoredOne(server: SignetServer, stored: JsonResponse): Promise<void> {
  const state = await dataState(server);
  expect(state.tmpFiles).toEqual([]);
  expect(state.storeKeys).toHaveLength(1);
  expect(state.rows.map((row) => [row.publicId, row.etag, row.version])).toEqual([
    [stored.body.public_id, md5(secret), stored.body.version],
  ]);
}

describe('an unsigned upload stays inside its preset’s folder', () => {
  test.each<[string, Record<string, string>, { public_id: string; folder: string; asset_folder: string }]>([
    [
      'a folder nests under it',
      { folder: 'team/bob', public_id: 'x' },
      { public_id: 'inbox/team/bob/x', folder: 'inbox/team/bob', asset_folder: 'inbox/team/bob' },
    ],
    [
      'a public ID with folders nests under it',
      { public_id: 'team/bob/x' },
      { public_id: 'inbox/team/bob/x', folder: 'inbox/team/bob', asset_folder: 'inbox/team/bob' },
    ],
    [
      'folder and public ID both nest',
      { folder: 'team', public_id: 'bob/x' },
      { public_id: 'inbox/team/bob/x', folder: 'inbox/team/bob', asset_folder: 'inbox/team/bob' },
    ],
    [
      'an asset folder nests under it',
      { asset_folder: 'team/bob', public_id: 'x' },
      { public_id: 'inbox/x', folder: 'inbox', asset_folder: 'inbox/team/bob' },
    ],
    [
      'a folder naming the preset’s own folder nests again (never a way back to the top)',
      { folder: 'inbox', public_id: 'x' },
      { public_id: 'inbox/inbox/x', folder: 'inbox/inbox', asset_folder: 'inbox/inbox' },
    ],
  ])('%s', async (_name, params, expected) => {
    const server = await scopeServer();
    const response = await postUpload(server, { upload_preset: 'anon', ...params }, file);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject(expected);
    const state = await dataState(server);
    expect(state.rows.map((row) => [row.publicId, row.folder, row.assetFolder])).toEqual([
      [expected.public_id, expected.folder, expected.asset_folder],
    ]);
    expect(state.tmpFiles).toEqual([]);
    // Delivered where its public ID says, inside the preset's folder.
    expect(String(response.body.secure_url)).toContain(`/image/upload/v${response.body.version}/inbox/`);
  });

  test('from the official SDK (unsigned: true): folder team/bob lands in inbox/team/bob', async () => {
    const server = await scopeServer();
    const path = join(await tempDir('signet-sdk-'), 'mine.png');
    await writeFile(path, mine);
    const { result, error } = await runSdk(server, 'upload', path, {
      unsigned: true,
      upload_preset: 'anon',
      folder: 'team/bob',
      public_id: 'x',
    });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ public_id: 'inbox/team/bob/x', folder: 'inbox/team/bob' });
  });

  test('the preset’s context wins over the client’s for the same key; other keys and tags are added', async () => {
    const server = await scopeServer();
    const response = await postUpload(
      server,
      { upload_preset: 'anon', public_id: 'c', context: 'source=admin|alt=Hi', tags: 'mine' },
      file,
    );
    expect(response.status).toBe(200);
    expect(response.body.context).toEqual({ custom: { source: 'anonymous', alt: 'Hi' } });
    expect(response.body.tags).toEqual(['anon', 'mine']);
  });

  test.each<[string, string, Record<string, string>]>([
    ['a folder climbing out', 'FOLDER_INVALID', { folder: '..', public_id: 'x' }],
    ['a public ID climbing out', 'PUBLIC_ID_INVALID', { public_id: '../team/bob/x' }],
    ['a rooted public ID', 'PUBLIC_ID_INVALID', { public_id: '/team/bob/x' }],
    ['an asset folder climbing out', 'FOLDER_INVALID', { asset_folder: '../team' }],
    // Each part is valid alone; nested under the preset's folder, the folder is one character too long.
    ['a folder too long once nested', 'FOLDER_INVALID', { folder: 'a'.repeat(250) }],
    ['an asset folder too long once nested', 'FOLDER_INVALID', { asset_folder: 'a'.repeat(250) }],
    ['a public ID too long once nested', 'PUBLIC_ID_INVALID', { public_id: 'a'.repeat(250) }],
  ])('%s → 400 %s, nothing stored', async (_name, code, params) => {
    const server = await scopeServer();
    expectError(await postUpload(server, { upload_preset: 'anon', ...params }, file), 400, code);
    await expectNothingStored(server);
  });

  test('a signed upload naming the unsigned preset is not confined: its signature and grants decide', async () => {
    const server = await scopeServer();
    const response = await signedUpload(server, { upload_preset: 'anon', folder: 'team/bob', public_id: 'x' }, file);
    expect(response.body).toMatchObject({ public_id: 'team/bob/x', folder: 'team/bob' });
  });
});

describe('existing: true never hands over what the caller may not view', () => {
  test('an anonymous upload onto a taken public ID → 400 PUBLIC_ID_INVALID, nothing of the asset revealed', async () => {
    const server = await scopeServer();
    const stored = await privateAsset(server, 'inbox/payroll');
    const response = await postUpload(server, { upload_preset: 'anon', public_id: 'payroll' }, file);
    expectNothingRevealed(response, stored);
    await expectOnlyTheStoredOne(server, stored);
  });

  test('the same when the name comes from the file name (use_filename without a suffix)', async () => {
    const server = await scopeServer();
    const stored = await privateAsset(server, 'inbox/payroll');
    const response = await postUpload(server, { upload_preset: 'byName' }, { data: mine, name: 'payroll.png' });
    expectNothingRevealed(response, stored);
    await expectOnlyTheStoredOne(server, stored);
  });

  test('the same over the chunked path: the session ends, nothing kept', async () => {
    const server = await scopeServer();
    const stored = await privateAsset(server, 'inbox/payroll');
    const send = (range: string, bytes: Uint8Array) =>
      postUpload(
        server,
        { upload_preset: 'anon', public_id: 'payroll' },
        { data: bytes, name: 'mine.png' },
        { headers: { 'X-Unique-Upload-Id': 'anon-chunks-1', 'Content-Range': range } },
      );
    const cut = Math.floor(mine.length / 2);
    expect((await send(`bytes 0-${cut - 1}/${mine.length}`, mine.subarray(0, cut))).status).toBe(200);
    const last = await send(`bytes ${cut}-${mine.length - 1}/${mine.length}`, mine.subarray(cut));
    expectNothingRevealed(last, stored);
    await expectOnlyTheStoredOne(server, stored);
  });

  test('the official SDK (unsigned) reads the refusal as a 400 with its message', async () => {
    const server = await scopeServer();
    const stored = await privateAsset(server, 'inbox/payroll');
    const path = join(await tempDir('signet-sdk-'), 'mine.png');
    await writeFile(path, mine);
    const { result, error } = await runSdk(server, 'upload', path, {
      unsigned: true,
      upload_preset: 'anon',
      public_id: 'payroll',
    });
    expect(result).toBeUndefined();
    expect(error).toMatchObject({ http_code: 400 });
    expect(error?.message).toContain('inbox/payroll');
    expect(JSON.stringify(error)).not.toContain('owner');
    await expectOnlyTheStoredOne(server, stored);
  });

  test('a contributor whose own folder holds a rejected asset under that name → 400, nothing revealed', async () => {
    const server = await scopeServer();
    const stored = await privateAsset(server, 'team/bob/x', { upload_preset: 'review' });
    expect(await adminPost(server, '/assets/image/team/bob/x/reject')).toBe(200);
    const fields = await signAs(server, BOB, { timestamp: nowSeconds(), folder: 'team/bob', public_id: 'x' });
    const response = await postUpload(server, fields, file);
    expectNothingRevealed(response, stored);
    await expectOnlyTheStoredOne(server, stored);
  });

  test('a contributor with pending assets hidden (deliverPending off) → 400; once approved → existing', async () => {
    const server = await scopeServer({ assets: { deliverPending: false } });
    const stored = await privateAsset(server, 'team/bob/x', { upload_preset: 'review' });
    const fields = await signAs(server, BOB, { timestamp: nowSeconds(), folder: 'team/bob', public_id: 'x' });
    expectNothingRevealed(await postUpload(server, fields, file), stored);
    expect(await adminPost(server, '/assets/image/team/bob/x/approve')).toBe(200);
    const again = await signAs(server, BOB, { timestamp: nowSeconds() - 1, folder: 'team/bob', public_id: 'x' });
    const response = await postUpload(server, again, file);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ existing: true, public_id: 'team/bob/x', tags: ['confidential'] });
    await expectOnlyTheStoredOne(server, stored);
  });

  test('callers who may view it still get it back as existing: a contributor in its folder, an admin, the API secret', async () => {
    const server = await scopeServer();
    const stored = await privateAsset(server, 'team/bob/x');
    const bobs = await signAs(server, BOB, { timestamp: nowSeconds(), folder: 'team/bob', public_id: 'x' });
    const anns = await signAs(server, ANN, { timestamp: nowSeconds() - 1, folder: 'team/bob', public_id: 'x' });
    for (const fields of [bobs, anns, signed(server, { public_id: 'team/bob/x' })]) {
      const response = await postUpload(server, fields, file);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        existing: true,
        public_id: 'team/bob/x',
        tags: ['confidential'],
        context: { custom: { owner: 'bob' } },
        etag: md5(secret),
      });
    }
    await expectOnlyTheStoredOne(server, stored);
  });
});

describe('resolveUploadSettings: an unsigned upload’s scope (pure)', () => {
  const inbox = { name: 'anon', unsigned: true, folder: 'inbox', context: { source: 'anonymous' } };
  test.each<[string, ExplicitParams, Partial<ReturnType<typeof resolveUploadSettings>>]>([
    ['nothing sent: the preset’s folder', {}, { folder: 'inbox', assetFolder: undefined }],
    ['a folder nests', { folder: 'team/bob' }, { folder: 'inbox/team/bob' }],
    ['an asset folder nests', { assetFolder: 'shown' }, { folder: 'inbox', assetFolder: 'inbox/shown' }],
    [
      'the preset’s context keys win',
      { context: { source: 'x', alt: 'a' } },
      { context: { source: 'anonymous', alt: 'a' } },
    ],
  ])('%s', (_name, params, expected) => {
    expect(resolveUploadSettings(null, inbox, params, { unsigned: true })).toMatchObject(expected);
  });

  test('a default preset’s folder is the scope when the unsigned preset has none; signed uploads replace it', () => {
    const fallback = { name: 'base', unsigned: false, folder: 'uploads' };
    const open = { name: 'open', unsigned: true };
    expect(resolveUploadSettings(fallback, open, { folder: 'x' }, { unsigned: true }).folder).toBe('uploads/x');
    expect(resolveUploadSettings(fallback, open, { folder: 'x' }).folder).toBe('x');
    expect(resolveUploadSettings(fallback, inbox, { context: { source: 'x' } }).context).toEqual({ source: 'x' });
  });
});
