// Resuming a direct-to-S3 upload (issue 17): POST /api/s3/parts tells the client holding the upload token what the
// bucket already has — the key's open multipart upload and its parts (with their ETags, for the completion), or the
// whole object — so after a cut or a reload it sends only the missing parts. The presigned ListParts of /api/s3/sign
// (what @uppy/aws-s3 asks for) answers the same from the bucket itself.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makePng } from './fixtures/png.js';
import { signed, startTestServer, type TestServer } from './helpers.js';
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
  bucket = await createTestBucket(client, 'signet-resume');
});
afterAll(async () => {
  await removeTestBucket(client, bucket);
  await dropTestSchemas();
});

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex');

async function s3Server(): Promise<TestServer> {
  return startTestServer({
    config: {
      users: { [ALICE]: { id: 'alice', role: 'admin' }, [BOB]: { id: 'bob', role: 'admin' } },
      storage: s3StorageConfig(bucket, { prefix: `r${randomBytes(4).toString('hex')}/`, partSize: 5 * MiB }),
      catalog: postgresCatalogConfig(),
    },
  });
}

async function call(server: TestServer, path: string, body: unknown, token = ALICE) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface Session {
  key: string;
  token: string;
  part_size: number;
  parts: number;
}

async function start(server: TestServer, data: Uint8Array): Promise<Session> {
  const answer = await call(server, '/api/s3/start', {
    params: signed(server, {}),
    file: { name: 'p.png', size: data.length, type: 'image/png' },
  });
  expect(answer.status).toBe(200);
  return answer.body as unknown as Session;
}

async function presigned(server: TestServer, session: Session, request: Record<string, unknown>) {
  const answer = await call(server, '/api/s3/sign', { key: session.key, token: session.token, ...request });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as { url: string; headers?: Record<string, string> };
}

async function createMultipart(server: TestServer, session: Session): Promise<string> {
  const { url } = await presigned(server, session, { method: 'POST' });
  const xml = await (await fetch(url, { method: 'POST' })).text();
  return /<UploadId>([^<]+)<\/UploadId>/.exec(xml)?.[1] ?? '';
}

async function putPart(server: TestServer, session: Session, uploadId: string, number: number, data: Buffer) {
  const part = data.subarray((number - 1) * session.part_size, number * session.part_size);
  const { url } = await presigned(server, session, { method: 'PUT', uploadId, partNumber: number });
  expect((await fetch(url, { method: 'PUT', body: new Blob([new Uint8Array(part)]) })).status).toBe(200);
}

function pngOfSize(size: number): Buffer {
  const png = makePng(40, 30);
  return Buffer.concat([png, randomBytes(size - png.length)]);
}

describe('resuming a direct upload (POST /api/s3/parts)', () => {
  test('lists the parts the bucket holds; the client sends the missing one and completes with the listed ETags', async () => {
    const server = await s3Server();
    const data = pngOfSize(12 * MiB);
    const session = await start(server, data);
    expect(session).toMatchObject({ part_size: 5 * MiB, parts: 3 });
    const uploadId = await createMultipart(server, session);
    await putPart(server, session, uploadId, 3, data);
    await putPart(server, session, uploadId, 1, data);

    // After a reload the page knows only the token and the key: the server finds the upload and its parts.
    const found = await call(server, '/api/s3/parts', { token: session.token, key: session.key });
    expect(found).toEqual({
      status: 200,
      body: {
        key: session.key,
        upload_id: uploadId,
        part_size: 5 * MiB,
        parts_total: 3,
        parts: [
          { part_number: 1, size: 5 * MiB, etag: `"${md5(data.subarray(0, 5 * MiB))}"` },
          { part_number: 3, size: 2 * MiB, etag: `"${md5(data.subarray(10 * MiB))}"` },
        ],
        stored: null,
        expires_at: expect.any(Number),
      },
    });
    const named = await call(server, '/api/s3/parts', { token: session.token, key: session.key, uploadId });
    expect(named.body).toEqual(found.body);

    await putPart(server, session, uploadId, 2, data);
    const listed = await call(server, '/api/s3/parts', { token: session.token, key: session.key, uploadId });
    const parts = listed.body.parts as { part_number: number; etag: string }[];
    expect(parts.map((part) => part.part_number)).toEqual([1, 2, 3]);
    const { url, headers } = await presigned(server, session, { method: 'POST', uploadId });
    const xml = `<CompleteMultipartUpload>${parts.map((part) => `<Part><PartNumber>${part.part_number}</PartNumber><ETag>${part.etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    expect((await fetch(url, { method: 'POST', body: xml, headers })).status).toBe(200);

    // Completed in the bucket, not yet registered (the cut came here): only /api/s3/complete is left.
    expect((await call(server, '/api/s3/parts', { token: session.token, key: session.key })).body).toMatchObject({
      upload_id: null,
      parts: [],
      stored: { size: data.length },
    });
    const completed = await call(server, '/api/s3/complete', { token: session.token, key: session.key });
    expect(completed.body).toMatchObject({ bytes: data.length });
    const delivered = await fetch(completed.body.secure_url as string);
    expect(md5(Buffer.from(await delivered.arrayBuffer()))).toBe(md5(data));
  });

  test('the presigned ListParts (/api/s3/sign, method GET) answers the same parts from the bucket', async () => {
    const server = await s3Server();
    const data = pngOfSize(11 * MiB);
    const session = await start(server, data);
    const uploadId = await createMultipart(server, session);
    await putPart(server, session, uploadId, 2, data);
    const { url } = await presigned(server, session, { method: 'GET', uploadId });
    const xml = await (await fetch(url)).text();
    expect([...xml.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((match) => match[1])).toEqual(['2']);
  });

  test('answers only the user who started it, with its token; an upload id of another key is 404', async () => {
    const server = await s3Server();
    const data = pngOfSize(6 * MiB);
    const mine = await start(server, data);
    const other = await start(server, data);
    const otherUpload = await createMultipart(server, other);
    const code = (answer: { status: number; body: Record<string, unknown> }) => ({
      status: answer.status,
      code: (answer.body.error as { code?: string } | undefined)?.code,
    });
    expect(code(await call(server, '/api/s3/parts', { token: mine.token, key: mine.key }, BOB))).toEqual({
      status: 401,
      code: 'SIGNATURE_INVALID',
    });
    expect(code(await call(server, '/api/s3/parts', { token: `${mine.token}x`, key: mine.key }))).toEqual({
      status: 401,
      code: 'SIGNATURE_INVALID',
    });
    expect(code(await call(server, '/api/s3/parts', { token: mine.token, key: other.key }))).toEqual({
      status: 401,
      code: 'SIGNATURE_INVALID',
    });
    expect(
      code(await call(server, '/api/s3/parts', { token: mine.token, key: mine.key, uploadId: otherUpload })),
    ).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect((await call(server, '/api/s3/parts', { token: mine.token, key: mine.key })).body).toMatchObject({
      upload_id: null,
      parts: [],
      stored: null,
    });
  });
});
