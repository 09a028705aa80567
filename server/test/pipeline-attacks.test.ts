// What an outside attack found on the first version's upload path (issue "one upload pipeline"), each as a test:
// bytes stored before any check, chunk sessions open to anyone who knows their id, replay protection that misfired,
// and errors the official SDK could not read.
import { createHash, randomBytes } from 'node:crypto';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SignetServer } from '../src/index.js';
import { makePng } from './fixtures/png.js';
import {
  dataState,
  expectError,
  expectNothingStored,
  nowSeconds,
  postUpload,
  runSdk,
  signed,
  startTestServer,
  type TestServer,
  tempDir,
} from './helpers.js';

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex');
const ALICE = 'alice-token-0123456789';
const BOB = 'bob-token-0123456789ab';
const users = { [ALICE]: { id: 'alice', role: 'admin' }, [BOB]: { id: 'bob', role: 'admin' } } as const;

/** Bytes in every file under the server's temp folder (uploads in flight, chunk sessions). */
async function tempBytes(server: SignetServer): Promise<number> {
  const tmp = join(server.dataDir, 'tmp');
  let total = 0;
  for (const entry of await readdir(tmp, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  return total;
}

/**
 * A multipart upload sent slowly from a raw socket: the fields, then the file part's headers, then `fileBytes` in
 * 64 KiB pieces. Resolves when the server answers, with how many file bytes had been sent by then and the largest
 * temp-folder size seen while sending.
 */
function slowUpload(
  server: SignetServer,
  fields: Record<string, string>,
  fileBytes: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; code: string | undefined; sentWhenAnswered: number; maxTempBytes: number }> {
  const boundary = `----signet${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `${Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = new URL(`${server.url}/v1_1/${server.credentials.cloud_name}/auto/upload`);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let maxTempBytes = 0;
    let answered = false;
    const req = request(url, {
      method: 'POST',
      headers: {
        ...headers,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(head.length + fileBytes + tail.length),
      },
    });
    req.on('response', (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => {
        const code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        resolve({ status: res.statusCode ?? 0, code, sentWhenAnswered, maxTempBytes });
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.write(head);
    const piece = Buffer.alloc(64 * 1024, 7);
    const pump = async (): Promise<void> => {
      while (sent < fileBytes && !answered && !req.destroyed) {
        const n = Math.min(piece.length, fileBytes - sent);
        const ok = req.write(piece.subarray(0, n));
        sent += n;
        maxTempBytes = Math.max(maxTempBytes, await tempBytes(server));
        if (!ok) await new Promise((done) => req.once('drain', done));
        await new Promise((done) => setTimeout(done, 2));
      }
      if (!answered && !req.destroyed) req.end(tail);
    };
    pump().catch(() => {});
  });
}

function chunkForm(fields: Record<string, string>, data: Uint8Array): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(data)]), 'big.bin');
  return form;
}

async function sendChunk(
  server: SignetServer,
  fields: Record<string, string>,
  range: string,
  data: Uint8Array,
  uploadId: string,
) {
  const response = await fetch(`${server.url}/v1_1/${server.credentials.cloud_name}/auto/upload`, {
    method: 'POST',
    body: chunkForm(fields, data),
    headers: { 'X-Unique-Upload-Id': uploadId, 'Content-Range': range },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function sessionDataBytes(server: SignetServer): Promise<number> {
  const chunks = join(server.dataDir, 'tmp', 'chunks');
  let total = 0;
  for (const entry of await readdir(chunks, { recursive: true, withFileTypes: true }))
    if (entry.isFile() && entry.name === 'data') total += (await stat(join(entry.parentPath, entry.name))).size;
  return total;
}

/** Asks the signing endpoint for a signature as `token`'s user (exactly what a page does). */
async function signAs(server: SignetServer, token: string, params: Record<string, string | number>) {
  const response = await fetch(`${server.url}/api/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(params),
  });
  expect(response.status).toBe(200);
  const answer = (await response.json()) as { signature: string; api_key: string; timestamp: number };
  return {
    ...Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])),
    timestamp: String(answer.timestamp),
    api_key: answer.api_key,
    signature: answer.signature,
  };
}

describe('no byte of a request is stored before it is authorised', () => {
  test('a forged signature: answered 401 while the body is still being sent, and the temp folder stays empty', async () => {
    const server = await startTestServer();
    const fields = { ...signed(server, { public_id: 'x' }), signature: '0'.repeat(40) };
    const outcome = await slowUpload(server, fields, 4 * 1024 * 1024);
    expect(outcome).toMatchObject({ status: 401, code: 'SIGNATURE_INVALID', maxTempBytes: 0 });
    expect(outcome.sentWhenAnswered).toBeLessThan(4 * 1024 * 1024);
    await expectNothingStored(server);
  });

  test('the same over the chunked protocol: no session, no byte', async () => {
    const server = await startTestServer();
    const fields = { ...signed(server, {}), signature: '0'.repeat(40) };
    const outcome = await slowUpload(server, fields, 4 * 1024 * 1024, {
      'X-Unique-Upload-Id': 'forged-1',
      'Content-Range': `bytes 0-${4 * 1024 * 1024 - 1}/${8 * 1024 * 1024}`,
    });
    expect(outcome).toMatchObject({ status: 401, code: 'SIGNATURE_INVALID', maxTempBytes: 0 });
    await expectNothingStored(server);
  });

  test('a file part before the signature fields is refused without storing it', async () => {
    const server = await startTestServer();
    const fields = signed(server, { public_id: 'late' });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(makePng(8, 8))]), 'a.png');
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const response = await fetch(`${server.url}/v1_1/${server.credentials.cloud_name}/auto/upload`, {
      method: 'POST',
      body: form,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toEqual({
      code: 'BAD_REQUEST',
      message: 'Send every parameter before the file.',
    });
    await expectNothingStored(server);
  });

  test('a declared body over the preset limit is refused before it is read (413 as FILE_TOO_LARGE)', async () => {
    const server = await startTestServer({ config: { presets: { small: { max_file_size: 1000 } } } });
    const outcome = await slowUpload(server, signed(server, { upload_preset: 'small' }), 4 * 1024 * 1024);
    expect(outcome).toMatchObject({ status: 400, code: 'FILE_TOO_LARGE', maxTempBytes: 0 });
    expect(outcome.sentWhenAnswered).toBeLessThan(1024 * 1024);
    await expectNothingStored(server);
  });
});

describe('a chunk session belongs to whoever opened it', () => {
  const DATA = randomBytes(300);
  const ID = 'victim-upload-1';

  async function victimSession(): Promise<{ server: TestServer; fields: Record<string, string> }> {
    const server = await startTestServer({
      config: { users, presets: { open: { unsigned: true, folder: 'inbox' } } },
    });
    const fields = await signAs(server, ALICE, { public_id: 'shared', timestamp: nowSeconds() });
    expect((await sendChunk(server, fields, 'bytes 0-99/300', DATA.subarray(0, 100), ID)).status).toBe(200);
    return { server, fields };
  }

  async function expectIntactAndFinishable(server: TestServer, fields: Record<string, string>) {
    expect(await sessionDataBytes(server)).toBe(100);
    expect((await sendChunk(server, fields, 'bytes 100-199/300', DATA.subarray(100, 200), ID)).status).toBe(200);
    const last = await sendChunk(server, fields, 'bytes 200-299/300', DATA.subarray(200), ID);
    expect(last.body).toMatchObject({ public_id: 'shared', bytes: 300, etag: md5(DATA) });
  }

  test('a chunk signed for another user (identical parameters, its own signature) → 403, session untouched', async () => {
    const { server, fields } = await victimSession();
    // Bob signs the very same parameters a second later: a valid signature, but not the session's.
    await new Promise((done) => setTimeout(done, 1100));
    const bobs = await signAs(server, BOB, { public_id: 'shared', timestamp: nowSeconds() });
    expect(bobs.signature).not.toBe(fields.signature);
    const foreign = await sendChunk(server, bobs, 'bytes 100-199/300', randomBytes(100), ID);
    expectError(foreign, 403, 'CHUNK_FORBIDDEN');
    await expectIntactAndFinishable(server, fields);
  });

  test('an unsigned chunk (through an unsigned preset) → 403, session untouched', async () => {
    const { server, fields } = await victimSession();
    const anonymous = await sendChunk(server, { upload_preset: 'open' }, 'bytes 100-199/300', randomBytes(100), ID);
    expectError(anonymous, 403, 'CHUNK_FORBIDDEN');
    await expectIntactAndFinishable(server, fields);
  });

  test('nothing unauthenticated discards it: a 1-byte chunk claiming a huge total → 401, session untouched', async () => {
    const { server, fields } = await victimSession();
    for (const forged of [{}, { ...fields, signature: 'f'.repeat(40) }]) {
      const attack = await sendChunk(server, forged, 'bytes 100-100/99999999999', randomBytes(1), ID);
      expectError(attack, 401, 'SIGNATURE_INVALID');
    }
    await expectIntactAndFinishable(server, fields);
  });

  test('an exact repeat of a received chunk is success; other bytes for the same range are refused', async () => {
    const { server, fields } = await victimSession();
    const again = await sendChunk(server, fields, 'bytes 0-99/300', DATA.subarray(0, 100), ID);
    expect(again).toMatchObject({ status: 200, body: { done: false, bytes: 100 } });
    expectError(await sendChunk(server, fields, 'bytes 0-99/300', randomBytes(100), ID), 400, 'CHUNK_INVALID');
    expect(await sessionDataBytes(server)).toBe(100);
    await expectIntactAndFinishable(server, fields);
  });

  test('a retried last chunk whose first attempt arrived gets the same answer, and one asset', async () => {
    const { server, fields } = await victimSession();
    await sendChunk(server, fields, 'bytes 100-199/300', DATA.subarray(100, 200), ID);
    const first = await sendChunk(server, fields, 'bytes 200-299/300', DATA.subarray(200), ID);
    const retry = await sendChunk(server, fields, 'bytes 200-299/300', DATA.subarray(200), ID);
    expect(retry).toMatchObject({ status: 200, body: first.body });
    expect((await dataState(server)).rows).toHaveLength(1);
  });
});

describe('replay protection that does not misfire', () => {
  test('two clients signing identical parameters in the same second both upload; a third use is refused', async () => {
    const server = await startTestServer({ config: { users } });
    const timestamp = nowSeconds();
    const [a, b] = await Promise.all([
      signAs(server, ALICE, { public_id: 'same', timestamp }),
      signAs(server, BOB, { public_id: 'same', timestamp }),
    ]);
    expect(a.signature).toBe(b.signature);
    const png = { data: makePng(6, 6), name: 'a.png' };
    const answers = await Promise.all([postUpload(server, a, png), postUpload(server, b, png)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expectError(await postUpload(server, a, png), 400, 'SIGNATURE_REPLAYED');
  });

  test('two identical uploads from the official SDK in one second both succeed', async () => {
    const server = await startTestServer();
    const path = join(await tempDir('signet-sdk-'), 'same.png');
    await writeFile(path, makePng(10, 10));
    const { results, error } = await runSdk(server, 'upload_pair', path, {
      folder: 'twice',
      timestamp: nowSeconds(),
    });
    expect(error).toBeUndefined();
    expect(results).toHaveLength(2);
    expect(results?.map((result) => result.bytes)).toEqual([results?.[0]?.bytes, results?.[0]?.bytes]);
  });

  test('upload_large of 20 MB in 1 MB chunks never gets SIGNATURE_REPLAYED, across second boundaries', async () => {
    const server = await startTestServer();
    const data = randomBytes(20 * 1024 * 1024);
    const path = join(await tempDir('signet-sdk-'), 'large.bin');
    await writeFile(path, data);
    const started = Date.now();
    for (let round = 0; round < 2; round++) {
      const { result, error } = await runSdk(server, 'upload_large', path, {
        resource_type: 'raw',
        chunk_size: 1024 * 1024,
      });
      expect(error).toBeUndefined();
      expect(result).toMatchObject({ bytes: data.length, etag: md5(data) });
    }
    // 40 chunks, each signed by the SDK with the current second: more than one second went by.
    expect(Date.now() - started).toBeGreaterThan(1000);
  });
});

describe('errors the official SDK can read', () => {
  async function sdkError(server: TestServer, options: Record<string, unknown>, account = {}) {
    const path = join(await tempDir('signet-sdk-'), 'e.png');
    await writeFile(path, makePng(4, 4));
    const { error } = await runSdk(server, 'upload', path, options, account);
    return { http_code: error?.http_code, message: error?.message };
  }

  test('400: a public ID the rules refuse', async () => {
    const server = await startTestServer();
    expect(await sdkError(server, { public_id: 'a//b' })).toEqual({
      http_code: 400,
      message: expect.stringContaining('may use letters, digits'),
    });
  });

  test('400 for what we call 413 (a preset size limit), with our message', async () => {
    const server = await startTestServer({ config: { presets: { tiny: { max_file_size: 10 } } } });
    expect(await sdkError(server, { upload_preset: 'tiny' })).toEqual({
      http_code: 400,
      message: 'The file is larger than 10 bytes.',
    });
  });

  test('401: a signature made with the wrong secret', async () => {
    const server = await startTestServer();
    const error = await sdkError(server, {}, { api_secret: 'not-the-secret-00000000000' });
    expect(error.http_code).toBe(401);
    expect(error.message).toMatch(/^Invalid Signature [0-9a-f]{40}\. String to sign - '/);
  });

  test('404: an unknown cloud', async () => {
    const server = await startTestServer();
    expect(await sdkError(server, {}, { cloud_name: 'nobody' })).toEqual({
      http_code: 404,
      message: 'Unknown cloud "nobody".',
    });
  });
});
