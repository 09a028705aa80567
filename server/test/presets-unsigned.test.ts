// Unsigned uploads: only with an unsigned preset, only Cloudinary's unsigned parameters, and never an overwrite.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SignetServer } from '../src/index.js';
import { makePng } from './fixtures/png.js';
import {
  dataState,
  expectError,
  expectNothingStored,
  postUpload,
  runSdk,
  signedUpload,
  startTestServer,
  tempDir,
} from './helpers.js';

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const png = makePng(40, 30);
const pngFile = { data: png, name: 'holiday.png' };

function ugcServer(): Promise<SignetServer & { logs: string[] }> {
  return startTestServer({
    config: {
      presets: {
        // Says overwrite, which an unsigned upload must never do anyway.
        ugc: { unsigned: true, folder: 'ugc', tags: ['ugc'], overwrite: true, use_filename: true },
        signedOnly: { folder: 'private' },
      },
    },
  });
}

async function storedBytes(server: SignetServer, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await server.store.open(key)) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('an unsigned upload', () => {
  test('with an unsigned preset is stored under the preset’s settings, no key, signature or timestamp needed', async () => {
    const server = await ugcServer();
    const response = await postUpload(
      server,
      { upload_preset: 'ugc', tags: 'mine', context: 'alt=Hi', public_id: 'pic', source: 'uw' },
      pngFile,
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      public_id: 'ugc/pic',
      tags: ['ugc', 'mine'],
      context: { custom: { alt: 'Hi' } },
      etag: md5(png),
    });
    expect((await dataState(server)).rows).toHaveLength(1);
  });

  test('takes the preset’s use_filename (only the parameter itself needs a signature)', async () => {
    const server = await ugcServer();
    const response = await postUpload(server, { upload_preset: 'ugc' }, { data: png, name: 'Beach Day.png' });
    expect(response.body.public_id).toMatch(/^ugc\/Beach_Day_[a-z0-9]{6}$/);
  });

  test('from the official SDK (unsigned: true) works', async () => {
    const server = await ugcServer();
    const path = join(await tempDir('signet-sdk-'), 'from-sdk.png');
    await writeFile(path, png);
    const { result, error, verified } = await runSdk(server, 'upload', path, {
      unsigned: true,
      upload_preset: 'ugc',
      public_id: 'sdk',
      tags: ['a'],
    });
    expect(error).toBeUndefined();
    expect(verified).toBe(true);
    expect(result).toMatchObject({ public_id: 'ugc/sdk', tags: ['ugc', 'a'] });
  });

  test('can never overwrite: a taken public ID → 400 PUBLIC_ID_INVALID (the asset is not shown), its bytes untouched', async () => {
    const server = await ugcServer();
    const first = await postUpload(server, { upload_preset: 'ugc', public_id: 'taken' }, pngFile);
    const other = makePng(10, 10);
    const second = await postUpload(
      server,
      { upload_preset: 'ugc', public_id: 'taken' },
      { data: other, name: 'o.png' },
    );
    // A stranger may not view what holds the name (see unsigned-scope.test.ts).
    expect(second.body).toEqual({
      error: { code: 'PUBLIC_ID_INVALID', message: expect.stringContaining('ugc/taken') },
    });
    expect(second.status).toBe(400);
    expect(first.body.version).toBeDefined();
    const state = await dataState(server);
    expect(state.rows).toHaveLength(1);
    expect(state.storeKeys).toHaveLength(1);
    expect(state.tmpFiles).toEqual([]);
    expect(await storedBytes(server, state.storeKeys[0] as string)).toEqual(png);
  });

  test.each([
    ['overwrite', 'true'],
    ['overwrite', 'false'],
    ['use_filename', 'true'],
    ['unique_filename', 'false'],
    ['api_key', '123456789012345'],
    ['signature_algorithm', 'sha256'],
  ])('refuses the parameter %s=%s with 400 PARAM_NOT_ALLOWED and stores nothing', async (name, value) => {
    const server = await ugcServer();
    const response = await postUpload(server, { upload_preset: 'ugc', [name]: value }, pngFile);
    expectError(response, 400, 'PARAM_NOT_ALLOWED');
    expect((response.body.error as { message: string }).message).toContain(`"${name}"`);
    await expectNothingStored(server);
  });

  test('refuses parameters the server never takes (400 PARAM_NOT_ALLOWED), like a signed upload', async () => {
    const server = await ugcServer();
    expectError(await postUpload(server, { upload_preset: 'ugc', eager: 'w_1' }, pngFile), 400, 'PARAM_NOT_ALLOWED');
    await expectNothingStored(server);
  });

  test('without any preset → 401 SIGNATURE_INVALID', async () => {
    const server = await ugcServer();
    expectError(await postUpload(server, { public_id: 'x' }, pngFile), 401, 'SIGNATURE_INVALID');
    expectError(await postUpload(server, { api_key: server.credentials.api_key }, pngFile), 401, 'SIGNATURE_INVALID');
    await expectNothingStored(server);
  });

  test('with a preset that is not unsigned → 401 SIGNATURE_INVALID (before looking at its parameters)', async () => {
    const server = await ugcServer();
    expectError(await postUpload(server, { upload_preset: 'signedOnly' }, pngFile), 401, 'SIGNATURE_INVALID');
    expectError(
      await postUpload(server, { upload_preset: 'signedOnly', overwrite: 'true' }, pngFile),
      401,
      'SIGNATURE_INVALID',
    );
    await expectNothingStored(server);
  });

  test('with an unknown preset → 400 PARAM_INVALID', async () => {
    const server = await ugcServer();
    expectError(await postUpload(server, { upload_preset: 'nope' }, pngFile), 400, 'PARAM_INVALID');
    await expectNothingStored(server);
  });

  test('a signed upload may name an unsigned preset, and may overwrite with it', async () => {
    const server = await ugcServer();
    await postUpload(server, { upload_preset: 'ugc', public_id: 'p' }, pngFile);
    const other = makePng(12, 12);
    const response = await signedUpload(
      server,
      { upload_preset: 'ugc', public_id: 'p' },
      { data: other, name: 'o.png' },
    );
    expect(response.body).toMatchObject({ public_id: 'ugc/p', etag: md5(other) });
    expect(response.body).not.toHaveProperty('existing');
  });

  test('in chunks: assembled like a signed one; a later chunk cannot add a parameter', async () => {
    const server = await ugcServer();
    const data = Buffer.alloc(200, 9);
    const send = (fields: Record<string, string>, range: string, bytes: Uint8Array, id: string) =>
      postUpload(
        server,
        fields,
        { data: bytes, name: 'big.bin' },
        { headers: { 'X-Unique-Upload-Id': id, 'Content-Range': range } },
      );
    const fields = { upload_preset: 'ugc', public_id: 'parts.bin' };
    expect((await send(fields, 'bytes 0-99/200', data.subarray(0, 100), 'unsigned-1')).status).toBe(200);
    const done = await send(fields, 'bytes 100-199/200', data.subarray(100), 'unsigned-1');
    expect(done.body).toMatchObject({ public_id: 'ugc/parts.bin', bytes: 200, etag: md5(data) });

    // Another public ID: an unsigned upload onto a taken one is refused at the end.
    const others = { ...fields, public_id: 'parts-2.bin' };
    expect((await send(others, 'bytes 0-99/200', data.subarray(0, 100), 'unsigned-2')).status).toBe(200);
    const overwrite = await send(
      { ...others, overwrite: 'true' },
      'bytes 100-199/200',
      data.subarray(100),
      'unsigned-2',
    );
    // Refused by the unsigned rules before the session is touched; the session still takes the right chunk.
    expectError(overwrite, 400, 'PARAM_NOT_ALLOWED');
    const finished = await send(others, 'bytes 100-199/200', data.subarray(100), 'unsigned-2');
    expect(finished.body).toMatchObject({ public_id: 'ugc/parts-2.bin', bytes: 200, etag: md5(data) });
  });
});
