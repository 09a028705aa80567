// Direct-to-S3 uploads against radosgw: the presign endpoint, what the bucket then accepts and refuses, and the
// completion's checks. The "browser" here is plain fetch with the requests @uppy/aws-s3 6 makes.
import { createHash, randomBytes } from 'node:crypto';
import { HeadObjectCommand, ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ServerConfig } from '../src/config.js';
import { makePng } from './fixtures/png.js';
import { dataState, nowSeconds, signed, startTestServer, type TestServer } from './helpers.js';
import {
  createTestBucket,
  dropTestSchemas,
  postgresCatalogConfig,
  removeTestBucket,
  s3StorageConfig,
  testS3Client,
} from './services-setup.js';

const MiB = 1024 * 1024;
const ALICE = 'alice-token-0123456789';
const BOB = 'bob-token-0123456789ab';
const client = testS3Client();
let bucket = '';

beforeAll(async () => {
  bucket = await createTestBucket(client, 'signet-direct');
});
afterAll(async () => {
  await removeTestBucket(client, bucket);
  await dropTestSchemas();
});

/** A PNG header (40×30) followed by random bytes: detected as a PNG, any size. */
function pngOfSize(size: number): Buffer {
  const png = makePng(40, 30);
  return Buffer.concat([png, randomBytes(size - png.length)]);
}

const blob = (data: Uint8Array) => new Blob([new Uint8Array(data)]);
const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex');

interface Options {
  s3?: Partial<ServerConfig['storage']['s3']>;
  maxFileSize?: number;
  signing?: Partial<ServerConfig['signing']>;
}

async function s3Server(options: Options = {}): Promise<TestServer> {
  return startTestServer({
    config: {
      users: { [ALICE]: { id: 'alice', role: 'admin' }, [BOB]: { id: 'bob', role: 'contributor' } },
      storage: s3StorageConfig(bucket, { prefix: `d${randomBytes(4).toString('hex')}/`, ...options.s3 }),
      catalog: postgresCatalogConfig(),
      ...(options.maxFileSize ? { limits: { maxFileSize: options.maxFileSize } } : {}),
      ...(options.signing ? { signing: options.signing } : {}),
    },
  });
}

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

async function call<T = Record<string, unknown>>(
  server: TestServer,
  path: string,
  body: unknown,
  token = ALICE,
): Promise<Answer<T>> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const codeOf = (answer: Answer) => ({
  status: answer.status,
  code: (answer.body.error as { code?: string } | undefined)?.code,
});

interface Session {
  key: string;
  token: string;
  part_size: number;
  parts: number;
}

async function start(
  server: TestServer,
  size: number,
  params: Record<string, string | number> = {},
  extra: Record<string, unknown> = {},
): Promise<Session> {
  const answer = await call<Session>(server, '/api/s3/start', {
    params: signed(server, params),
    file: { name: 'holiday.png', size, type: 'image/png' },
    ...extra,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

async function presign(
  server: TestServer,
  session: Session,
  request: { method: string; uploadId?: string; partNumber?: number; key?: string },
  token = ALICE,
): Promise<Answer<{ url: string; headers?: Record<string, string> }>> {
  return call(server, '/api/s3/sign', { key: session.key, token: session.token, ...request }, token);
}

async function signedUrl(
  server: TestServer,
  session: Session,
  request: { method: string; uploadId?: string; partNumber?: number },
) {
  const answer = await presign(server, session, request);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

async function putSingle(server: TestServer, session: Session, data: Uint8Array): Promise<Response> {
  const { url, headers } = await signedUrl(server, session, { method: 'PUT' });
  return fetch(url, { method: 'PUT', body: blob(data), headers: { 'content-type': 'image/png', ...headers } });
}

async function createMultipart(server: TestServer, session: Session): Promise<string> {
  const { url } = await signedUrl(server, session, { method: 'POST' });
  const response = await fetch(url, { method: 'POST' });
  expect(response.status).toBe(200);
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await response.text())?.[1];
  if (!uploadId) throw new Error('no UploadId');
  return uploadId;
}

async function putPart(server: TestServer, session: Session, uploadId: string, partNumber: number, data: Uint8Array) {
  const { url } = await signedUrl(server, session, { method: 'PUT', uploadId, partNumber });
  return fetch(url, { method: 'PUT', body: blob(data) });
}

/** The whole multipart dance, parts in parallel. */
async function uploadMultipart(server: TestServer, session: Session, data: Buffer): Promise<void> {
  const uploadId = await createMultipart(server, session);
  const etags = await Promise.all(
    Array.from({ length: session.parts }, async (_, i) => {
      const part = data.subarray(i * session.part_size, (i + 1) * session.part_size);
      const response = await putPart(server, session, uploadId, i + 1, part);
      expect(response.status).toBe(200);
      return response.headers.get('etag') as string;
    }),
  );
  const { url, headers } = await signedUrl(server, session, { method: 'POST', uploadId });
  const xml = `<CompleteMultipartUpload>${etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  const response = await fetch(url, {
    method: 'POST',
    body: xml,
    headers: { 'content-type': 'application/xml', ...headers },
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

async function complete(server: TestServer, session: Session, token = ALICE): Promise<Answer> {
  return call(server, '/api/s3/complete', { key: session.key, token: session.token }, token);
}

async function objectExists(server: TestServer, key: string): Promise<boolean> {
  return (await server.store.size(key)) !== null;
}

async function openUploads(server: TestServer): Promise<unknown[]> {
  const prefix = (server.config.storage.s3.prefix as string) ?? '';
  return (await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }))).Uploads ?? [];
}

async function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; data: Buffer }> {
  const response = await fetch(url, { headers });
  return { status: response.status, data: Buffer.from(await response.arrayBuffer()) };
}

describe('the Upload API with storage: s3 and catalog: postgres', () => {
  test('stores a signed upload in the bucket and delivers it, ranges included', async () => {
    const server = await s3Server();
    const data = pngOfSize(300 * 1024);
    const form = new FormData();
    for (const [name, value] of Object.entries(signed(server, { public_id: 'trips/beach' }))) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(data)]), 'beach.png');
    const response = await fetch(`${server.url}/v1_1/${server.credentials.cloud_name}/auto/upload`, {
      method: 'POST',
      body: form,
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ public_id: 'trips/beach', format: 'png', width: 40, height: 30, etag: md5(data) });

    const state = await dataState(server);
    expect(state.rows).toHaveLength(1);
    expect(state.storeKeys).toEqual([state.rows[0]?.storageKey]);
    expect(md5((await download(body.secure_url as string)).data)).toBe(md5(data));
    const range = await download(body.secure_url as string, { range: 'bytes=100-199' });
    expect(range.status).toBe(206);
    expect(range.data).toEqual(data.subarray(100, 200));
  });

  test('publishes a file above the multipart threshold in parts', async () => {
    const server = await s3Server({ s3: { multipartThreshold: 5 * MiB, partSize: 5 * MiB } });
    const data = pngOfSize(11 * MiB);
    const form = new FormData();
    for (const [name, value] of Object.entries(signed(server, {}))) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(data)]), 'big.png');
    const response = await fetch(`${server.url}/v1_1/${server.credentials.cloud_name}/image/upload`, {
      method: 'POST',
      body: form,
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    const [key] = (await dataState(server)).storeKeys;
    const head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: `${server.config.storage.s3.prefix}${key}` }),
    );
    expect(head.ETag).toMatch(/-3"$/);
    expect(md5((await download(body.secure_url as string)).data)).toBe(md5(data));
    expect(await openUploads(server)).toEqual([]);
  });
});

describe('a direct upload', () => {
  test('single PUT: the server picks the key, the bucket takes exactly the declared bytes, complete answers the Upload API JSON', async () => {
    const server = await s3Server();
    const data = pngOfSize(MiB);
    const session = await start(server, data.length, { folder: 'trips', tags: 'sea,sun' });
    expect(session.key).toMatch(/^[0-9a-f]{32}$/);
    expect(session.parts).toBe(1);

    expect((await putSingle(server, session, data)).status).toBe(200);
    const answer = await complete(server, session);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({
      folder: 'trips',
      format: 'png',
      resource_type: 'image',
      width: 40,
      height: 30,
      bytes: data.length,
      etag: md5(data),
      tags: ['sea', 'sun'],
      original_filename: 'holiday',
      type: 'upload',
    });
    const state = await dataState(server);
    expect(state.rows).toMatchObject([{ storageKey: session.key, bytes: data.length }]);
    expect(md5((await download(answer.body.secure_url as string)).data)).toBe(md5(data));
  });

  test('multipart: three parts sent in parallel, bytes equal, one row, nothing left open', async () => {
    const server = await s3Server({ s3: { partSize: 5 * MiB } });
    const data = pngOfSize(12 * MiB);
    const session = await start(server, data.length, { public_id: 'big/one' });
    expect(session).toMatchObject({ part_size: 5 * MiB, parts: 3 });
    await uploadMultipart(server, session, data);
    const answer = await complete(server, session);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ public_id: 'big/one', bytes: data.length, format: 'png' });
    expect(md5((await download(answer.body.secure_url as string)).data)).toBe(md5(data));
    expect((await dataState(server)).rows).toHaveLength(1);
    expect(await openUploads(server)).toEqual([]);
  });

  test('refuses a tampered presigned URL, one for other bytes, and an expired one (radosgw answers 403)', async () => {
    const server = await s3Server({ s3: { presignExpirySeconds: 1 } });
    const data = pngOfSize(64 * 1024);
    const session = await start(server, data.length);
    const { url, headers } = await signedUrl(server, session, { method: 'PUT' });

    const tampered = new URL(url);
    const signature = tampered.searchParams.get('X-Amz-Signature') as string;
    tampered.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    expect((await fetch(tampered, { method: 'PUT', body: blob(data), headers })).status).toBe(403);

    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace(session.key, 'f'.repeat(32));
    expect((await fetch(otherKey, { method: 'PUT', body: blob(data), headers })).status).toBe(403);

    // The byte count is signed in: one byte more (or less) and the signature no longer matches.
    expect(
      (await fetch(url, { method: 'PUT', body: blob(Buffer.concat([data, Buffer.from('x')])), headers })).status,
    ).toBe(403);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await fetch(url, { method: 'PUT', body: blob(data), headers })).status).toBe(403);
    expect(await objectExists(server, session.key)).toBe(false);
  });

  test('refuses part numbers beyond the declared size with 413 FILE_TOO_LARGE, and sizes over the limit at start', async () => {
    const server = await s3Server({ s3: { partSize: 5 * MiB }, maxFileSize: 20 * MiB });
    const session = await start(server, 12 * MiB);
    const uploadId = await createMultipart(server, session);
    expect((await presign(server, session, { method: 'PUT', uploadId, partNumber: 3 })).status).toBe(200);
    for (const partNumber of [4, Math.ceil((20 * MiB) / (5 * MiB)) + 1, 10_001])
      expect(codeOf(await presign(server, session, { method: 'PUT', uploadId, partNumber }))).toEqual({
        status: 413,
        code: 'FILE_TOO_LARGE',
      });
    expect(codeOf(await presign(server, session, { method: 'PUT', uploadId, partNumber: 0 }))).toEqual({
      status: 400,
      code: 'PARAM_INVALID',
    });

    const tooBig = await call(server, '/api/s3/start', {
      params: signed(server, {}),
      file: { name: 'a.png', size: 20 * MiB + 1, type: 'image/png' },
    });
    expect(codeOf(tooBig)).toEqual({ status: 413, code: 'FILE_TOO_LARGE' });
  });

  test('presigns only for the key the server chose, for the user who started it, with a token it made', async () => {
    const server = await s3Server();
    const session = await start(server, 1000);
    expect(codeOf(await presign(server, { ...session, key: 'f'.repeat(32) }, { method: 'PUT' }))).toEqual({
      status: 401,
      code: 'SIGNATURE_INVALID',
    });
    expect(codeOf(await presign(server, session, { method: 'PUT' }, BOB))).toEqual({
      status: 401,
      code: 'SIGNATURE_INVALID',
    });
    const [payload, mac] = session.token.split('.') as [string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const bigger = Buffer.from(JSON.stringify({ ...forged, size: 10 * 1024 ** 3 })).toString('base64url');
    expect(codeOf(await presign(server, { ...session, token: `${bigger}.${mac}` }, { method: 'PUT' }))).toEqual({
      status: 401,
      code: 'SIGNATURE_INVALID',
    });
    expect(codeOf(await presign(server, session, { method: 'DELETE' }))).toEqual({
      status: 400,
      code: 'PARAM_INVALID',
    });
    const anonymous = await fetch(`${server.url}/api/s3/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: session.key, token: session.token, method: 'PUT' }),
    });
    expect(anonymous.status).toBe(401);
  });

  test('start verifies the upload parameters like the Upload API: bad signature 401, replay 409, stale 401', async () => {
    // API-secret signatures are reusable by default (Cloudinary's rule); strict mode spends them once, as here.
    const server = await s3Server({ signing: { replayProtection: 'strict' } });
    const file = { name: 'a.png', size: 10, type: 'image/png' };
    const params = signed(server, { folder: 'x' });
    expect(codeOf(await call(server, '/api/s3/start', { params: { ...params, folder: 'y' }, file }))).toEqual({
      status: 401,
      code: 'SIGNATURE_INVALID',
    });
    expect((await call(server, '/api/s3/start', { params, file })).status).toBe(200);
    expect(codeOf(await call(server, '/api/s3/start', { params, file }))).toEqual({
      status: 409,
      code: 'SIGNATURE_REPLAYED',
    });
    const stale = signed(server, { timestamp: nowSeconds() - 7200 });
    expect(codeOf(await call(server, '/api/s3/start', { params: stale, file }))).toEqual({
      status: 401,
      code: 'SIGNATURE_EXPIRED',
    });
  });

  test('an aborted multipart upload leaves ListMultipartUploads empty and nothing to complete', async () => {
    const server = await s3Server({ s3: { partSize: 5 * MiB } });
    const session = await start(server, 11 * MiB);
    const uploadId = await createMultipart(server, session);
    expect((await putPart(server, session, uploadId, 1, randomBytes(5 * MiB))).status).toBe(200);
    expect(await openUploads(server)).toHaveLength(1);
    const { url } = await signedUrl(server, session, { method: 'DELETE', uploadId });
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(204);
    expect(await openUploads(server)).toEqual([]);
    expect(codeOf(await complete(server, session))).toEqual({ status: 400, code: 'FILE_MISSING' });
    expect((await dataState(server)).rows).toEqual([]);
  });

  test('a folder grant revoked while the bytes went up refuses the completion: 403 FORBIDDEN_FOLDER, object deleted', async () => {
    const carol = 'carol-token-0123456789a';
    const server = await startTestServer({
      config: {
        users: {
          [ALICE]: { id: 'alice', role: 'admin' },
          [carol]: { id: 'carol', role: 'contributor', grants: [{ folder: 'carol', access: 'can_contribute' }] },
        },
        storage: s3StorageConfig(bucket, { prefix: `d${randomBytes(4).toString('hex')}/` }),
        catalog: postgresCatalogConfig(),
      },
    });
    const data = pngOfSize(64 * 1024);
    // Signed through /api/sign by the contributor, so the server knows who it is.
    const toSign = { folder: 'carol', timestamp: nowSeconds() };
    const signature = await call<{ signature: string; api_key: string; timestamp: number }>(
      server,
      '/api/sign',
      toSign,
      carol,
    );
    expect(signature.status).toBe(200);
    const params = { ...toSign, api_key: signature.body.api_key, signature: signature.body.signature };
    const started = await call<Session>(
      server,
      '/api/s3/start',
      { params, file: { name: 'a.png', size: data.length, type: 'image/png' } },
      carol,
    );
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const { url, headers } = (await presign(server, started.body, { method: 'PUT' }, carol)).body as {
      url: string;
      headers?: Record<string, string>;
    };
    expect((await fetch(url, { method: 'PUT', body: blob(data), headers })).status).toBe(200);

    const revoke = await fetch(`${server.url}/api/admin/users/carol/grants/carol`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.credentials.admin_token}` },
    });
    expect(revoke.status).toBe(200);
    expect(codeOf(await complete(server, started.body, carol))).toEqual({ status: 403, code: 'FORBIDDEN_FOLDER' });
    expect(await objectExists(server, started.body.key)).toBe(false);
    expect((await dataState(server)).rows).toEqual([]);
  });

  test('a completed object larger than allowed is deleted and reported as 413 FILE_TOO_LARGE', async () => {
    const server = await s3Server({ maxFileSize: MiB });
    const session = await start(server, MiB);
    // The presigned URLs never allow it; a misbehaving S3-compatible service (or a leaked admin key) might.
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${server.config.storage.s3.prefix}${session.key}`,
        Body: pngOfSize(MiB + 1),
      }),
    );
    expect(codeOf(await complete(server, session))).toEqual({ status: 413, code: 'FILE_TOO_LARGE' });
    expect(await objectExists(server, session.key)).toBe(false);
    expect((await dataState(server)).rows).toEqual([]);
  });

  test('carries signed custom_coordinates to the asset; a box outside the image deletes the object (400)', async () => {
    const server = await s3Server();
    const data = pngOfSize(10_000);
    const session = await start(server, data.length, { public_id: 'trips/crop', custom_coordinates: '1,2,30,20' });
    expect((await putSingle(server, session, data)).status).toBe(200);
    const answer = await complete(server, session);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ public_id: 'trips/crop', coordinates: { custom: [[1, 2, 30, 20]] } });
    expect((await dataState(server)).rows[0]?.customCoordinates).toEqual([[1, 2, 30, 20]]);

    // The image is 40×30: the box's size is unknown at start, so the completion refuses it.
    const outside = await start(server, data.length, { public_id: 'trips/outside', custom_coordinates: '20,0,21,10' });
    expect((await putSingle(server, outside, data)).status).toBe(200);
    expect(codeOf(await complete(server, outside))).toEqual({ status: 400, code: 'PARAM_INVALID' });
    expect(await objectExists(server, outside.key)).toBe(false);
    expect((await dataState(server)).rows.map((row) => row.publicId)).toEqual(['trips/crop']);

    // A malformed value is refused at start, before any byte is sent.
    const refused = await call(server, '/api/s3/start', {
      params: signed(server, { custom_coordinates: '1,2,3' }),
      file: { name: 'holiday.png', size: data.length, type: 'image/png' },
    });
    expect(codeOf(refused)).toEqual({ status: 400, code: 'PARAM_INVALID' });
  });

  test('a type the URL does not allow is deleted and reported as 415 TYPE_MISMATCH', async () => {
    const server = await s3Server();
    const data = randomBytes(2000);
    const session = await start(server, data.length, {}, { resource_type: 'image' });
    expect((await putSingle(server, session, data)).status).toBe(200);
    expect(codeOf(await complete(server, session))).toEqual({ status: 415, code: 'TYPE_MISMATCH' });
    expect(await objectExists(server, session.key)).toBe(false);
  });

  test('completes once; afterwards nothing more is presigned and the old PUT URL cannot overwrite', async () => {
    const server = await s3Server();
    const data = pngOfSize(10_000);
    const session = await start(server, data.length);
    const { url, headers } = await signedUrl(server, session, { method: 'PUT' });
    expect((await fetch(url, { method: 'PUT', body: blob(data), headers })).status).toBe(200);
    expect((await complete(server, session)).status).toBe(200);
    expect(codeOf(await complete(server, session))).toEqual({ status: 409, code: 'SIGNATURE_REPLAYED' });
    for (const method of ['PUT', 'POST'])
      expect(codeOf(await presign(server, session, { method }))).toEqual({ status: 409, code: 'SIGNATURE_REPLAYED' });
    // Same size, other bytes, still-valid URL: If-None-Match: * keeps the checked object.
    expect((await fetch(url, { method: 'PUT', body: blob(pngOfSize(10_000)), headers })).status).toBe(412);
    const [row] = (await dataState(server)).rows;
    expect(row?.etag).toBe(md5(data));
    const stored: Buffer[] = [];
    for await (const chunk of (await server.store.open(session.key)) as AsyncIterable<Buffer>) stored.push(chunk);
    expect(md5(Buffer.concat(stored))).toBe(md5(data));
  });

  test('completion aborts the other multipart uploads of the key, so none can replace the checked object', async () => {
    const server = await s3Server({ s3: { partSize: 5 * MiB } });
    const data = pngOfSize(6 * MiB);
    const session = await start(server, data.length);
    const spare = await createMultipart(server, session);
    const sparePart = await putPart(server, session, spare, 1, pngOfSize(6 * MiB).subarray(0, 5 * MiB));
    expect(sparePart.status).toBe(200);
    const { url: spareComplete, headers } = await signedUrl(server, session, { method: 'POST', uploadId: spare });
    await uploadMultipart(server, session, data);
    const answer = await complete(server, session);
    expect(answer.status).toBe(200);
    expect(await openUploads(server)).toEqual([]);
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${sparePart.headers.get('etag')}</ETag></Part></CompleteMultipartUpload>`;
    const late = await fetch(spareComplete, { method: 'POST', headers, body: xml });
    // AWS answers 404 NoSuchUpload; radosgw 16 a 500 "completion already in progress". Refused either way, and the
    // checked bytes stay.
    expect(late.status).toBeGreaterThanOrEqual(400);
    expect(md5((await download(answer.body.secure_url as string)).data)).toBe(md5(data));
  });

  test('an instance starting later aborts multipart uploads older than the upload deadline', async () => {
    const storage = s3StorageConfig(bucket, { prefix: `w${randomBytes(4).toString('hex')}/`, uploadTtlSeconds: 60 });
    const config = {
      users: { [ALICE]: { id: 'alice', role: 'admin' as const } },
      storage,
      catalog: postgresCatalogConfig(),
    };
    const first = await startTestServer({ config });
    const session = await start(first, 6 * MiB);
    await createMultipart(first, session);
    expect(await openUploads(first)).toHaveLength(1);
    // Sweeping runs at start and then on a timer; a clock two minutes ahead makes the upload stale.
    await startTestServer({ config, dataDir: first.dataDir, now: () => Date.now() + 120_000 });
    expect(await openUploads(first)).toEqual([]);
  });
});
