// Cloudinary's chunked protocol over raw HTTP: X-Unique-Upload-Id + Content-Range, one signed request per chunk.
import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SignetServer } from '../src/index.js';
import {
  dataState,
  expectError,
  expectNothingStored,
  type JsonResponse,
  postUpload,
  signed,
  startTestServer,
  tempDir,
} from './helpers.js';

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const DATA = randomBytes(300);

function sendChunk(
  server: SignetServer,
  fields: Record<string, string>,
  range: string,
  data: Uint8Array,
  uploadId = 'upload-123456',
): Promise<JsonResponse> {
  return postUpload(
    server,
    fields,
    { data, name: 'big.bin' },
    {
      headers: { 'X-Unique-Upload-Id': uploadId, 'Content-Range': range },
    },
  );
}

/** A server whose clock the test moves; signatures are made on that clock. */
async function clockServer(options: { dataDir?: string; ttl?: number; start?: number } = {}) {
  const clock = { now: options.start ?? Date.now() };
  const server = await startTestServer({
    dataDir: options.dataDir ?? (await tempDir()),
    now: () => clock.now,
    config: { limits: { chunkTtlSeconds: options.ttl ?? 3600 } },
  });
  const sign = (params: Record<string, string> = {}) =>
    signed(server, { timestamp: Math.floor(clock.now / 1000), ...params });
  return { server, clock, sign };
}

/** Chunk session files (`tmp/chunks/<id>/…`), without the empty markers that remember expired uploads. */
async function sessionFiles(server: SignetServer): Promise<string[]> {
  return (await dataState(server)).tmpFiles.filter((file) => !file.endsWith('.expired'));
}

async function sessionDataSize(server: SignetServer): Promise<number> {
  const [dataFile] = (await sessionFiles(server)).filter((file) => file.endsWith('/data'));
  return (await stat(join(server.dataDir, 'tmp', dataFile as string))).size;
}

describe('a chunked upload', () => {
  test('with the real total on every chunk (our widget) assembles the file and answers the upload JSON', async () => {
    const server = await startTestServer();
    const fields = signed(server, { public_id: 'chunked/file.bin' });
    const first = await sendChunk(server, fields, 'bytes 0-99/300', DATA.subarray(0, 100));
    expect(first).toMatchObject({ status: 200, body: { done: false, bytes: 100 } });
    expect((await sendChunk(server, fields, 'bytes 100-199/300', DATA.subarray(100, 200))).body).toEqual({
      done: false,
      bytes: 200,
    });
    const last = await sendChunk(server, fields, 'bytes 200-299/300', DATA.subarray(200));
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({
      public_id: 'chunked/file.bin',
      resource_type: 'raw',
      format: 'bin',
      bytes: 300,
      etag: md5(DATA),
    });

    const state = await dataState(server);
    expect(state.tmpFiles).toEqual([]);
    expect(state.rows).toHaveLength(1);
    const delivered = await fetch(last.body.url as string);
    expect(Buffer.from(await delivered.arrayBuffer())).toEqual(DATA);
  });

  test('one chunk carrying the whole file is a complete upload', async () => {
    const server = await startTestServer();
    const response = await sendChunk(server, signed(server, {}), 'bytes 0-299/300', DATA);
    expect(response.body).toMatchObject({ bytes: 300, etag: md5(DATA) });
  });

  test('finishes even when the signature’s window closes half-way (checked on the first chunk only)', async () => {
    const { server, clock, sign } = await clockServer({ ttl: 3 * 3600 });
    const fields = sign();
    expect((await sendChunk(server, fields, 'bytes 0-149/300', DATA.subarray(0, 150))).status).toBe(200);
    clock.now += 2 * 3600 * 1000;
    const last = await sendChunk(server, fields, 'bytes 150-299/300', DATA.subarray(150));
    expect(last.status).toBe(200);
    expect(last.body.etag).toBe(md5(DATA));
  });

  test('with strict replay protection, refuses the first chunk’s signature for a second upload (SIGNATURE_REPLAYED)', async () => {
    const server = await startTestServer({ config: { signing: { replayProtection: 'strict' } } });
    const fields = signed(server, {});
    expect((await sendChunk(server, fields, 'bytes 0-99/300', DATA.subarray(0, 100), 'upload-aaaaaa')).status).toBe(
      200,
    );
    const other = await sendChunk(server, fields, 'bytes 0-99/300', DATA.subarray(0, 100), 'upload-bbbbbb');
    expectError(other, 400, 'SIGNATURE_REPLAYED');
  });
});

describe('a malformed first chunk → 400 CHUNK_INVALID, nothing kept', () => {
  test.each([
    'bytes 0-99',
    'bytes=0-99/300',
    'bytes -1-99/300',
    'bytes +0-99/300',
    'bytes 0x0-99/300',
    'bytes 0-99/50',
    'bytes 99-0/300',
    'bytes 0-99/-2',
    'bytes 0.0-99/300',
    'items 0-99/300',
  ])('Content-Range "%s"', async (range) => {
    const server = await startTestServer();
    expectError(await sendChunk(server, signed(server, {}), range, DATA.subarray(0, 100)), 400, 'CHUNK_INVALID');
    await expectNothingStored(server);
  });

  test.each(['../../etc/passwd', 'a b c d e f', 'id/with/slashes', 'x'.repeat(129)])(
    'upload id "%s"',
    async (uploadId) => {
      const server = await startTestServer();
      const response = await sendChunk(server, signed(server, {}), 'bytes 0-99/300', DATA.subarray(0, 100), uploadId);
      expectError(response, 400, 'CHUNK_INVALID');
      await expectNothingStored(server);
    },
  );

  test('a first chunk that does not start at 0', async () => {
    const server = await startTestServer();
    expectError(
      await sendChunk(server, signed(server, {}), 'bytes 100-199/300', DATA.subarray(100, 200)),
      400,
      'CHUNK_INVALID',
    );
    await expectNothingStored(server);
  });

  test.each([
    ['shorter', 50],
    ['longer', 150],
  ])('a body %s than its range', async (_name, length) => {
    const server = await startTestServer();
    const response = await sendChunk(server, signed(server, {}), 'bytes 0-99/300', randomBytes(length));
    expectError(response, 400, 'CHUNK_INVALID');
    await expectNothingStored(server);
  });

  test('a first chunk with a bad signature → 401, no session left', async () => {
    const server = await startTestServer();
    const fields = { ...signed(server, {}), signature: '0'.repeat(40) };
    expectError(await sendChunk(server, fields, 'bytes 0-99/300', DATA.subarray(0, 100)), 401, 'SIGNATURE_INVALID');
    await expectNothingStored(server);
  });
});

describe('a bad later chunk → refused with nothing appended; the session is swept later', () => {
  const cases: [
    string,
    (sign: () => Record<string, string>) => [Record<string, string>, string, Uint8Array],
    number,
    string,
  ][] = [
    [
      'the last chunk with bytes before it missing',
      (sign) => [sign(), 'bytes 200-299/300', DATA.subarray(200, 300)],
      400,
      'CHUNK_INVALID',
    ],
    ['an overlap', (sign) => [sign(), 'bytes 50-149/300', DATA.subarray(50, 150)], 400, 'CHUNK_INVALID'],
    ['a changed total', (sign) => [sign(), 'bytes 100-199/400', DATA.subarray(100, 200)], 400, 'CHUNK_INVALID'],
    ['a total dropped to -1', (sign) => [sign(), 'bytes 100-199/-1', DATA.subarray(100, 200)], 400, 'CHUNK_INVALID'],
    ['a range past the total', (sign) => [sign(), 'bytes 100-399/300', randomBytes(300)], 400, 'CHUNK_INVALID'],
    ['a short body', (sign) => [sign(), 'bytes 100-199/300', DATA.subarray(100, 150)], 400, 'CHUNK_INVALID'],
    [
      'changed parameters (validly signed)',
      () => [{}, 'bytes 100-199/300', DATA.subarray(100, 200)],
      400,
      'CHUNK_INVALID',
    ],
    [
      'a bad signature',
      (sign) => [{ ...sign(), signature: 'f'.repeat(40) }, 'bytes 100-199/300', DATA.subarray(100, 200)],
      401,
      'SIGNATURE_INVALID',
    ],
  ];

  test.each(cases)('%s', async (name, makeChunk, status, code) => {
    const dataDir = await tempDir();
    const { server, clock, sign } = await clockServer({ dataDir });
    const fields = sign({ public_id: 'x' });
    expect((await sendChunk(server, fields, 'bytes 0-99/300', DATA.subarray(0, 100))).status).toBe(200);

    let [chunkFields, range, body] = makeChunk(() => fields);
    if (name.startsWith('changed')) chunkFields = sign({ public_id: 'y' });
    expectError(await sendChunk(server, chunkFields, range, body), status, code);

    // Nothing appended: the session still holds exactly the first chunk, and takes the right next one.
    expect(await sessionDataSize(server)).toBe(100);
    const state = await dataState(server);
    expect({ rows: state.rows, storeKeys: state.storeKeys }).toEqual({ rows: [], storeKeys: [] });

    // Abandoned now: a restart after the TTL sweeps it, and a late chunk (signed anew: the first signature's window
    // is over too) learns it expired.
    await server.close();
    const later = await clockServer({ dataDir, start: clock.now + 3601 * 1000 });
    expect(await sessionFiles(later.server)).toEqual([]);
    await expectNothingStoredBut(later.server, ['.expired']);
    expectError(
      await sendChunk(later.server, later.sign({ public_id: 'x' }), 'bytes 100-199/300', DATA.subarray(100, 200)),
      400,
      'UPLOAD_EXPIRED',
    );
  });

  test('the right chunk after a refused one still completes the file', async () => {
    const server = await startTestServer();
    const fields = signed(server, {});
    await sendChunk(server, fields, 'bytes 0-99/300', DATA.subarray(0, 100));
    expectError(await sendChunk(server, fields, 'bytes 100-199/300', randomBytes(60)), 400, 'CHUNK_INVALID');
    await sendChunk(server, fields, 'bytes 100-199/300', DATA.subarray(100, 200));
    const last = await sendChunk(server, fields, 'bytes 200-299/300', DATA.subarray(200));
    expect(last.body.etag).toBe(md5(DATA));
  });
});

describe('expiry and size', () => {
  test('a chunk for a session idle longer than the TTL → UPLOAD_EXPIRED (400 for the SDKs) and the session is gone', async () => {
    const { server, clock, sign } = await clockServer({ ttl: 60 });
    const fields = sign();
    await sendChunk(server, fields, 'bytes 0-99/300', DATA.subarray(0, 100));
    clock.now += 61_000;
    expectError(await sendChunk(server, fields, 'bytes 100-199/300', DATA.subarray(100, 200)), 400, 'UPLOAD_EXPIRED');
    expect(await sessionFiles(server)).toEqual([]);
    await expectNothingStoredBut(server, ['.expired']);
  });

  test('a total over the size limit → FILE_TOO_LARGE before any byte is kept', async () => {
    const server = await startTestServer({ config: { limits: { maxFileSize: 250 } } });
    const response = await sendChunk(server, signed(server, {}), 'bytes 0-99/300', DATA.subarray(0, 100));
    expectError(response, 400, 'FILE_TOO_LARGE');
    await expectNothingStored(server);
  });

  test('an unknown total that grows over the limit → FILE_TOO_LARGE and the session is discarded', async () => {
    const server = await startTestServer({ config: { limits: { maxFileSize: 250 } } });
    const fields = signed(server, {});
    expect((await sendChunk(server, fields, 'bytes 0-199/-1', DATA.subarray(0, 200))).status).toBe(200);
    expectError(await sendChunk(server, fields, 'bytes 200-299/-1', DATA.subarray(200)), 400, 'FILE_TOO_LARGE');
    await expectNothingStored(server);
  });
});

/** Nothing stored, and no temp files but the given markers. */
async function expectNothingStoredBut(server: SignetServer, markers: string[]): Promise<void> {
  const state = await dataState(server);
  expect(state.rows).toEqual([]);
  expect(state.storeKeys).toEqual([]);
  expect(state.tmpFiles.filter((file) => !markers.some((marker) => file.endsWith(marker)))).toEqual([]);
}

describe('chunks in parallel: the first first, the middle in any order, the last last', () => {
  test('middle chunks sent at once and backwards assemble the exact file, with its MD5 as the etag', async () => {
    const server = await startTestServer();
    const data = randomBytes(10 * 1000);
    const fields = signed(server, { public_id: 'parallel' });
    const range = (i: number) => `bytes ${i * 1000}-${i * 1000 + 999}/${data.length}`;
    const piece = (i: number) => data.subarray(i * 1000, i * 1000 + 1000);
    expect((await sendChunk(server, fields, range(0), piece(0), 'par-1')).status).toBe(200);
    const middle = [8, 7, 6, 5, 4, 3, 2, 1];
    const answers = await Promise.all(middle.map((i) => sendChunk(server, fields, range(i), piece(i), 'par-1')));
    expect(answers.map((answer) => answer.status)).toEqual(middle.map(() => 200));
    const last = await sendChunk(server, fields, range(9), piece(9), 'par-1');
    expect(last.body).toMatchObject({ public_id: 'parallel', bytes: data.length, etag: md5(data) });
    const [key] = (await dataState(server)).storeKeys;
    const stored: Buffer[] = [];
    for await (const chunk of (await server.store.open(key as string)) as AsyncIterable<Buffer>) stored.push(chunk);
    expect(md5(Buffer.concat(stored))).toBe(md5(data));
  });

  test('the last chunk before a middle one is refused, the session kept; sent in order afterwards, it completes', async () => {
    const server = await startTestServer();
    const fields = signed(server, {});
    await sendChunk(server, fields, 'bytes 0-99/300', DATA.subarray(0, 100), 'early-last');
    expectError(
      await sendChunk(server, fields, 'bytes 200-299/300', DATA.subarray(200), 'early-last'),
      400,
      'CHUNK_INVALID',
    );
    expect((await sendChunk(server, fields, 'bytes 100-199/300', DATA.subarray(100, 200), 'early-last')).status).toBe(
      200,
    );
    const last = await sendChunk(server, fields, 'bytes 200-299/300', DATA.subarray(200), 'early-last');
    expect(last.body).toMatchObject({ bytes: 300, etag: md5(DATA) });
  });

  test('a chunk over bytes already received is refused (an overlap that is no exact repeat)', async () => {
    const server = await startTestServer();
    const fields = signed(server, {});
    await sendChunk(server, fields, 'bytes 0-99/300', DATA.subarray(0, 100), 'overlap-1');
    await sendChunk(server, fields, 'bytes 150-249/300', DATA.subarray(150, 250), 'overlap-1');
    expectError(
      await sendChunk(server, fields, 'bytes 100-199/300', DATA.subarray(100, 200), 'overlap-1'),
      400,
      'CHUNK_INVALID',
    );
  });

  test('Cloudinary’s rule: every chunk but the last is at least 5 MB (the default), the last may be smaller', async () => {
    const server = await startTestServer({ config: { limits: { minChunkSize: 5_000_000 } } });
    const data = randomBytes(5_000_000 + 1234);
    const fields = signed(server, {});
    const small = await sendChunk(
      server,
      fields,
      `bytes 0-999999/${data.length}`,
      data.subarray(0, 1_000_000),
      'rule-1',
    );
    expectError(small, 400, 'CHUNK_INVALID');
    await expectNothingStored(server);
    const first = await sendChunk(
      server,
      fields,
      `bytes 0-4999999/${data.length}`,
      data.subarray(0, 5_000_000),
      'rule-2',
    );
    expect(first.status).toBe(200);
    const last = await sendChunk(
      server,
      fields,
      `bytes 5000000-${data.length - 1}/${data.length}`,
      data.subarray(5_000_000),
      'rule-2',
    );
    expect(last.body).toMatchObject({ bytes: data.length, etag: md5(data) });
  });
});
