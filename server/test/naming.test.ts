// Naming over real HTTP: random IDs, use_filename / unique_filename with the official SDK, and bad public IDs,
// folders and tags refused (never rewritten) with nothing stored.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SignetServer } from '../src/index.js';
import { makePng } from './fixtures/png.js';
import {
  dataState,
  expectError,
  expectNothingStored,
  nowSeconds,
  runSdk,
  signedUpload,
  startTestServer,
  tempDir,
} from './helpers.js';

const png = makePng(16, 16);

async function fileNamed(name: string): Promise<string> {
  const path = join(await tempDir('signet-sdk-'), name);
  await writeFile(path, png);
  return path;
}

describe('public IDs chosen by the server (official SDK as the client)', () => {
  test('without a public ID: 20 random characters', async () => {
    const server = await startTestServer();
    const { result } = await runSdk(server, 'upload', await fileNamed('photo.png'), {});
    expect(result?.public_id).toMatch(/^[a-z0-9]{20}$/);
  });

  test('use_filename: the sanitized file name plus "_" and 6 random characters', async () => {
    const server = await startTestServer();
    // (Accented names are covered over raw HTTP in upload.test.ts: the SDK does not send them as UTF-8.)
    const path = await fileNamed('Summer in Paris (2).png');
    const { result, error } = await runSdk(server, 'upload', path, { use_filename: true, folder: 'trips' });
    expect(error).toBeUndefined();
    expect(result?.public_id).toMatch(/^trips\/Summer_in_Paris_2_[a-z0-9]{6}$/);
    expect(result?.original_filename).toBe('Summer in Paris (2)');
  });

  test('use_filename with unique_filename false: exactly the sanitized name, so a second upload finds it', async () => {
    const server = await startTestServer();
    const path = await fileNamed('report-v2.png');
    const options = { use_filename: true, unique_filename: false };
    const first = await runSdk(server, 'upload', path, options);
    expect(first.result?.public_id).toBe('report-v2');
    // Another timestamp: the SDK signs equal parameters in one second identically, and replays are refused.
    const second = await runSdk(server, 'upload', path, { ...options, timestamp: nowSeconds() - 30 });
    expect(second.result).toMatchObject({ public_id: 'report-v2', existing: true });
    expect((await dataState(server)).rows).toHaveLength(1);
  });

  test('a given public ID is used as is, and a bad one is refused, not rewritten', async () => {
    const server = await startTestServer();
    const path = await fileNamed('a.png');
    expect((await runSdk(server, 'upload', path, { public_id: 'Dir/My-File_1.v2' })).result?.public_id).toBe(
      'Dir/My-File_1.v2',
    );
    const refused = await runSdk(server, 'upload', path, { public_id: 'My File' });
    expect(refused.error).toMatchObject({ http_code: 400 });
    expect((await dataState(server)).rows.map((row) => row.publicId)).toEqual(['Dir/My-File_1.v2']);
  });
});

const badPublicIds: [string, string][] = [
  ['a dot-dot segment', 'a/../b'],
  ['a leading dot-dot', '../b'],
  ['only dot-dot', '..'],
  ['a double slash', 'a//b'],
  ['a leading slash', '/a'],
  ['a trailing slash', 'a/'],
  ...[...'?#%\\<>&+'].map((char): [string, string] => [`"${char}"`, `a${char}b`]),
  ['a percent escape', 'a%2e%2e'],
  ['a NUL', 'a\u0000b'],
  ['a space', 'a b'],
  ['over 255 characters', 'p'.repeat(256)],
];

const badTags: [string, string][] = [
  ['an empty tag between commas', 'a,,b'],
  ['a leading comma', ',a'],
  ['a trailing comma', 'a,'],
  ['a "|"', 'a|b'],
  ['a control character', 'a\u0001b'],
  ['a DEL', 'a\u007fb'],
  ['a newline', 'a\nb'],
  ['a bidi override', 'a\u202eb'],
  ['a tag over 255 characters', 't'.repeat(256)],
  ['more than 50 tags', Array.from({ length: 51 }, (_, i) => `t${i}`).join(',')],
];

const badFolders: [string, string][] = [
  ['a dot-dot', '../x'],
  ['a double slash', 'a//b'],
  ['a space', 'a b'],
  ['a dot', 'a.b'],
  ['a NUL', 'a\u0000'],
  ['over 255 characters', 'f'.repeat(256)],
];

// Every upload signs its own timestamp (counting down from the start), so equal parameters are never a replay.
const START = nowSeconds();
let tick = 0;
const upload = (server: SignetServer, params: Record<string, string>) => {
  tick += 1;
  return signedUpload(server, { timestamp: START - tick, ...params }, { data: png, name: 'a.png' });
};

describe('bad input → 400 with the right code and nothing stored', () => {
  test.each(badPublicIds)('a public ID with %s → PUBLIC_ID_INVALID', async (_name, publicId) => {
    const server = await startTestServer();
    expectError(await upload(server, { public_id: publicId }), 400, 'PUBLIC_ID_INVALID');
    await expectNothingStored(server);
  });

  test('a folder and public ID that are fine alone but too long together → PUBLIC_ID_INVALID', async () => {
    const server = await startTestServer();
    expectError(await upload(server, { folder: 'f'.repeat(200), public_id: 'p'.repeat(60) }), 400, 'PUBLIC_ID_INVALID');
    await expectNothingStored(server);
  });

  test.each(badTags)('tags with %s → TAG_INVALID', async (_name, tags) => {
    const server = await startTestServer();
    expectError(await upload(server, { tags }), 400, 'TAG_INVALID');
    await expectNothingStored(server);
  });

  test.each(badFolders)('a folder with %s → FOLDER_INVALID', async (_name, folder) => {
    const server = await startTestServer();
    expectError(await upload(server, { folder }), 400, 'FOLDER_INVALID');
    expectError(await upload(server, { asset_folder: folder }), 400, 'FOLDER_INVALID');
    await expectNothingStored(server);
  });

  test('the signing endpoint refuses the same inputs with the same codes', async () => {
    const server = await startTestServer();
    const sign = async (body: Record<string, unknown>): Promise<string | undefined> => {
      const response = await fetch(`${server.url}/api/sign`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${server.credentials.demo_token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ timestamp: nowSeconds(), ...body }),
      });
      return ((await response.json()) as { error?: { code: string } }).error?.code;
    };
    for (const [, publicId] of badPublicIds) expect(await sign({ public_id: publicId })).toBe('PUBLIC_ID_INVALID');
    for (const [, tags] of badTags) expect(await sign({ tags })).toBe('TAG_INVALID');
    expect(await sign({ tags: ['a,b'] })).toBe('TAG_INVALID');
    for (const [, folder] of badFolders) expect(await sign({ folder })).toBe('FOLDER_INVALID');
  });
});
