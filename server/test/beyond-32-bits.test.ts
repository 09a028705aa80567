// Files beyond 32 bits (issue 17, security case 36): 2^31+1 and 2^32+1 bytes through every server path — a single
// request, a chunked upload (a middle chunk of 3 GiB, a last chunk of one byte at offset 2^32), and a direct-to-S3
// multipart upload against radosgw (parts of exactly 2^31 bytes) — with exact sizes, ranges, Content-Range parsing,
// MD5 (etag) and delivery of a range across the 2^32 boundary at the end. The bytes are a generated stream (each MiB
// a random block stamped with its index, so a misplaced MiB shows), never held in memory. Slow by nature: a few
// uploads, each with a generous timeout; the disk (and for S3 the memory of a dedicated radosgw) is checked first.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createS3Client } from '../src/stores/s3.js';
import { askStatus, type ChunkTarget } from './chunk-helpers.js';
import { dataState, signed, startTestServer, type TestServer } from './helpers.js';
import { createTestBucket, dropTestSchemas, postgresCatalogConfig, removeTestBucket } from './services-setup.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const SIZES = [2 ** 31 + 1, 2 ** 32 + 1];
const SLOW = 20 * 60 * 1000;

/** One random MiB; block i of a file is this MiB with i written into its first 8 bytes. */
const TEMPLATE = randomBytes(MiB);

/** The bytes [start, end) of the generated file, in pieces of at most 1 MiB. */
async function* pattern(start: number, end: number): AsyncGenerator<Buffer> {
  for (let block = Math.floor(start / MiB); block * MiB < end; block++) {
    const piece = Buffer.from(TEMPLATE);
    piece.writeBigUInt64LE(BigInt(block), 0);
    const from = Math.max(start, block * MiB) - block * MiB;
    const to = Math.min(end, (block + 1) * MiB) - block * MiB;
    yield piece.subarray(from, to);
  }
}

async function bytesOf(start: number, end: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of pattern(start, end)) pieces.push(piece);
  return Buffer.concat(pieces);
}

const md5s = new Map<number, string>();
/** MD5 of the whole generated file (computed once per size). */
async function md5Of(size: number): Promise<string> {
  const known = md5s.get(size);
  if (known) return known;
  const hash = createHash('md5');
  for await (const piece of pattern(0, size)) hash.update(piece);
  const hex = hash.digest('hex');
  md5s.set(size, hex);
  return hex;
}

async function assertRoom(dir: string, bytes: number, what: string): Promise<void> {
  const info = await statfs(dir);
  const free = info.bavail * info.bsize;
  if (free < bytes)
    throw new Error(
      `Not enough disk for ${what}: ${(bytes / GiB).toFixed(1)} GiB needed in ${dir}, ${(free / GiB).toFixed(1)} GiB free.`,
    );
}

function availableMemory(): number {
  const line = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return Number(line?.[1] ?? 0) * 1024;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request whose body streams from `source` with an exact Content-Length (never chunked encoding). */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  length: number,
  source: AsyncIterable<Buffer>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, 'Content-Length': String(length) } }, (res) => {
      const pieces: Buffer[] = [];
      res.on('data', (piece: Buffer) => pieces.push(piece));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(pieces) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    (async () => {
      for await (const piece of source)
        if (!req.write(piece)) await new Promise((drained) => req.once('drain', drained));
      req.end();
    })().catch((error: unknown) => req.destroy(error as Error));
  });
}

/** A multipart form with `fields`, then the file [start, end) of the pattern. */
function uploadForm(
  url: string,
  fields: Record<string, string>,
  start: number,
  end: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const boundary = `----signet${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `${Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* body(): AsyncGenerator<Buffer> {
    yield head;
    yield* pattern(start, end);
    yield tail;
  }
  return send(
    url,
    'POST',
    { ...headers, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    head.length + (end - start) + tail.length,
    body(),
  ).then((answer) => ({ status: answer.status, body: JSON.parse(answer.body.toString()) as Record<string, unknown> }));
}

/** The last `count` bytes through the delivery route, with their status and Content-Range. */
async function deliveredEnd(secureUrl: string, size: number, count: number) {
  const response = await fetch(secureUrl, { headers: { Range: `bytes=${size - count}-` } });
  return {
    status: response.status,
    contentRange: response.headers.get('content-range'),
    length: response.headers.get('content-length'),
    matches: Buffer.from(await response.arrayBuffer()).equals(await bytesOf(size - count, size)),
  };
}

const uploadUrl = (server: ChunkTarget) => `${server.url}/v1_1/${server.credentials.cloud_name}/raw/upload`;

async function bigServer(): Promise<TestServer> {
  return startTestServer({ config: { limits: { maxFileSize: 5 * GiB } } });
}

describe('files beyond 32 bits on the local disk', () => {
  test.each(SIZES)(
    'a single request of %i bytes arrives exactly, and its end is delivered by range',
    async (size) => {
      await assertRoom(tmpdir(), 2 * size + GiB, `a ${size}-byte single upload`);
      const server = await bigServer();
      const answer = await uploadForm(uploadUrl(server), signed(server, { public_id: `single-${size}` }), 0, size);
      expect(answer).toMatchObject({
        status: 200,
        body: { bytes: size, etag: await md5Of(size), resource_type: 'raw' },
      });
      const [row] = (await dataState(server)).rows;
      expect(row?.bytes).toBe(size);
      expect(await server.store.size(row?.storageKey ?? '')).toBe(size);
      expect(await deliveredEnd(answer.body.secure_url as string, size, 64)).toEqual({
        status: 206,
        contentRange: `bytes ${size - 64}-${size - 1}/${size}`,
        length: '64',
        matches: true,
      });
    },
    SLOW,
  );

  test.each(SIZES)(
    'a chunked upload of %i bytes: large chunks, ranges past 2^32, a one-byte last chunk',
    async (size) => {
      await assertRoom(tmpdir(), 2 * size + GiB, `a ${size}-byte chunked upload`);
      const server = await bigServer();
      const fields = signed(server, { public_id: `chunked-${size}` });
      const id = `beyond-32-bits-${size}`;
      // Over 4 GiB like the official SDK (total -1 until the last chunk); the other like our widget (total on each).
      const sdkStyle = size > 2 ** 32;
      const cuts = sdkStyle ? [0, GiB, 2 ** 32, size] : [0, 2 ** 31, size];
      for (let i = 0; i + 1 < cuts.length; i++) {
        const [start, end] = [cuts[i] as number, cuts[i + 1] as number];
        const last = end === size;
        const range = `bytes ${start}-${end - 1}/${last || !sdkStyle ? size : -1}`;
        const answer = await uploadForm(uploadUrl(server), fields, start, end, {
          'X-Unique-Upload-Id': id,
          'Content-Range': range,
        });
        if (!last) {
          expect(answer).toEqual({ status: 200, body: { done: false, bytes: end } });
          expect((await askStatus(server, fields, id)).body).toMatchObject({
            bytes: end,
            total: sdkStyle ? null : size,
            received: [{ start: 0, end: end - 1 }],
          });
          continue;
        }
        expect(answer).toMatchObject({ status: 200, body: { bytes: size, etag: await md5Of(size) } });
        expect(await deliveredEnd(answer.body.secure_url as string, size, 4096)).toMatchObject({
          status: 206,
          contentRange: `bytes ${size - 4096}-${size - 1}/${size}`,
          matches: true,
        });
      }
      expect((await dataState(server)).rows.map((row) => row.bytes)).toEqual([size]);
    },
    SLOW,
  );
});

describe('files beyond 32 bits uploaded straight to S3 (radosgw)', () => {
  const scripts = fileURLToPath(new URL('../scripts/services/rgw.sh', import.meta.url));
  let node = '';
  let env: Record<string, string> = {};
  let s3: S3Client;
  let bucket = '';
  let endpoint = '';

  const freePort = () =>
    new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
  const rgw = (command: 'start' | 'stop') =>
    new Promise<string>((resolve, reject) =>
      execFile(
        'bash',
        [scripts, command],
        { env: { ...process.env, ...env }, timeout: 300_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`rgw.sh ${command}: ${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );

  // Its own radosgw: the shared one's in-memory OSD holds 2 GiB, and these objects live in memory.
  beforeAll(async () => {
    const memstore = 7 * GiB;
    if (availableMemory() < memstore + 2 * GiB)
      throw new Error(
        `A radosgw holding a ${SIZES.at(-1)}-byte object needs ${(memstore / GiB + 2).toFixed(0)} GiB of free memory; ` +
          `${(availableMemory() / GiB).toFixed(1)} GiB are available.`,
      );
    node = await mkdtemp(join(tmpdir(), 'signet-rgw-big-'));
    env = {
      SIGNET_RGW_DIR: join(node, 'node'),
      SIGNET_RGW_PORT: String(await freePort()),
      SIGNET_RGW_MON_PORT: String(await freePort()),
      SIGNET_RGW_MEMSTORE_MIB: String(memstore / MiB),
    };
    const ready = (await rgw('start')).split('\n').find((line) => line.startsWith('READY ')) ?? '';
    endpoint = /endpoint=(\S+)/.exec(ready)?.[1] ?? '';
    s3 = createS3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      accessKeyId: 'TESTACCESSKEY',
      secretAccessKey: 'TESTSECRETKEY',
    });
    bucket = await createTestBucket(s3, 'signet-big');
  }, 300_000);
  afterAll(async () => {
    if (bucket) await removeTestBucket(s3, bucket).catch(() => {});
    if (node) {
      await rgw('stop').catch(() => {});
      await rm(node, { recursive: true, force: true });
    }
    await dropTestSchemas();
  }, 120_000);

  test.each(SIZES)(
    '%i bytes in parts of exactly 2^31: sizes, part list, etag and the delivered end are exact',
    async (size) => {
      const TOKEN = 'big-token-0123456789ab';
      const server = await startTestServer({
        config: {
          users: { [TOKEN]: { id: 'alice', role: 'admin' } },
          storage: {
            kind: 's3',
            s3: {
              endpoint,
              region: 'us-east-1',
              bucket,
              accessKeyId: 'TESTACCESSKEY',
              secretAccessKey: 'TESTSECRETKEY',
              forcePathStyle: true,
            },
          },
          catalog: postgresCatalogConfig(),
          limits: { maxFileSize: 5 * GiB },
        },
      });
      const call = async (path: string, body: unknown) => {
        const response = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify(body),
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const started = await call('/api/s3/start', {
        params: signed(server, { public_id: `direct-${size}` }),
        file: { name: 'big.bin', size, type: 'application/octet-stream' },
        resource_type: 'raw',
        part_size: 2 ** 31,
      });
      expect(started).toMatchObject({ status: 200, body: { part_size: 2 ** 31, parts: Math.ceil(size / 2 ** 31) } });
      const { key, token } = started.body as { key: string; token: string };
      const presign = async (request: Record<string, unknown>) => {
        const answer = await call('/api/s3/sign', { key, token, ...request });
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        return answer.body as { url: string; headers?: Record<string, string> };
      };
      const created = await send((await presign({ method: 'POST' })).url, 'POST', {}, 0, (async function* () {})());
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body.toString())?.[1] ?? '';

      const count = Math.ceil(size / 2 ** 31);
      const parts = await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const [start, end] = [i * 2 ** 31, Math.min(size, (i + 1) * 2 ** 31)];
          const hash = createHash('md5');
          async function* hashed(): AsyncGenerator<Buffer> {
            for await (const piece of pattern(start, end)) {
              hash.update(piece);
              yield piece;
            }
          }
          const { url } = await presign({ method: 'PUT', uploadId, partNumber: i + 1 });
          const put = await send(url, 'PUT', {}, end - start, hashed());
          expect(put.status, put.body.toString()).toBe(200);
          return { number: i + 1, etag: String(put.headers.etag), md5: hash.digest() };
        }),
      );
      const listed = await call('/api/s3/parts', { key, token, uploadId });
      expect((listed.body.parts as { size: number }[]).map((part) => part.size)).toEqual(
        parts.map((_, i) => Math.min(size, (i + 1) * 2 ** 31) - i * 2 ** 31),
      );
      const xml = `<CompleteMultipartUpload>${parts.map((part) => `<Part><PartNumber>${part.number}</PartNumber><ETag>${part.etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
      const { url, headers } = await presign({ method: 'POST', uploadId });
      const body = Buffer.from(xml);
      const completedInBucket = await send(
        url,
        'POST',
        headers ?? {},
        body.length,
        (async function* () {
          yield body;
        })(),
      );
      expect(completedInBucket.status, completedInBucket.body.toString()).toBe(200);

      const completed = await call('/api/s3/complete', { key, token });
      // S3's ETag of a multipart object: the MD5 of the parts' MD5s, and how many parts there are.
      const multipartEtag = `${createHash('md5')
        .update(Buffer.concat(parts.map((part) => part.md5)))
        .digest('hex')}-${count}`;
      expect(completed).toMatchObject({
        status: 200,
        body: { bytes: size, etag: multipartEtag, resource_type: 'raw' },
      });
      expect(
        (await server.catalog.assets.list({ cloud: server.credentials.cloud_name, limit: 5 })).records[0]?.bytes,
      ).toBe(size);
      expect(await deliveredEnd(completed.body.secure_url as string, size, 4096)).toMatchObject({
        status: 206,
        contentRange: `bytes ${size - 4096}-${size - 1}/${size}`,
        matches: true,
      });
      // Its memory back for the next size (radosgw collects at once here).
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    SLOW,
  );
});
