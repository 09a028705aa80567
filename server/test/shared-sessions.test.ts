// Two instances behind one address (issue 17): with the scale-out configuration (PostgreSQL catalogue, S3 store) a
// chunked upload continues on whichever instance its next chunk reaches — its state is a catalogue record, its bytes
// objects in the bucket. Tested with two reference servers sharing radosgw and PostgreSQL, and a round-robin
// loopback proxy in front of them that sends each request to the other instance (no stickiness at all).
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import type { DeepPartial, ServerConfig } from '../src/config.js';
import { LEASE_MS } from '../src/pipeline/shared-sessions.js';
import { askStatus, expectCode, heldChunk, sendChunk, until } from './chunk-helpers.js';
import { runSdk, signed, startTestServer, type TestServer, tempDir } from './helpers.js';
import {
  createTestBucket,
  dropTestSchemas,
  newSchemaName,
  postgresCatalogConfig,
  removeTestBucket,
  s3StorageConfig,
  testS3Client,
} from './services-setup.js';

const client = testS3Client();
let bucket = '';
beforeAll(async () => {
  bucket = await createTestBucket(client, 'signet-shared');
});
afterAll(async () => {
  await removeTestBucket(client, bucket);
  await dropTestSchemas();
});

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const ALICE = 'alice-token-0123456789';
const BOB = 'bob-token-0123456789ab';

function sharedConfig(overrides: DeepPartial<ServerConfig> = {}): DeepPartial<ServerConfig> {
  return {
    credentials: {
      cloud_name: 'signet-shared',
      api_key: '123456789012345',
      api_secret: randomBytes(24).toString('base64url'),
    },
    users: { [ALICE]: { id: 'alice', role: 'admin' }, [BOB]: { id: 'bob', role: 'admin' } },
    storage: s3StorageConfig(bucket, { prefix: `s${randomBytes(4).toString('hex')}/` }),
    catalog: postgresCatalogConfig(newSchemaName()),
    ...overrides,
  };
}

async function twoInstances(
  overrides: DeepPartial<ServerConfig> = {},
  clocks: [(() => number)?, (() => number)?] = [],
): Promise<[TestServer, TestServer]> {
  const config = sharedConfig(overrides);
  const a = await startTestServer({ config, ...(clocks[0] ? { now: clocks[0] } : {}) });
  const b = await startTestServer({ config, ...(clocks[1] ? { now: clocks[1] } : {}) });
  return [a, b];
}

/** Every object under the instances' prefix, chunk objects included. */
async function objects(server: TestServer): Promise<string[]> {
  const prefix = server.config.storage.s3.prefix;
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => (object.Key ?? '').slice(prefix.length)).sort();
}

/** A loopback proxy that sends each request to the next instance in turn; counts what each one served. */
async function roundRobin(servers: TestServer[]): Promise<{ url: string; served: number[] }> {
  const served = servers.map(() => 0);
  let next = 0;
  const proxy = createServer((req, res) => {
    const index = next++ % servers.length;
    served[index] = (served[index] ?? 0) + 1;
    const upstream = new URL((servers[index] as TestServer).url);
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((listening) => proxy.listen(0, '127.0.0.1', listening));
  onTestFinished(() => new Promise<void>((closed) => proxy.close(() => closed())));
  proxy.unref();
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, served };
}

describe('a chunked upload across two instances sharing PostgreSQL and S3', () => {
  test('continues on either: first chunk on one, middle chunks on both at once, status and last on the other', async () => {
    const [a, b] = await twoInstances();
    const data = randomBytes(5 * 64 * 1024);
    const piece = 64 * 1024;
    const range = (i: number) => `bytes ${i * piece}-${(i + 1) * piece - 1}/${data.length}`;
    const chunk = (i: number) => data.subarray(i * piece, (i + 1) * piece);
    const fields = signed(a, { public_id: 'shared/video' });
    const id = 'across-instances';

    expect((await sendChunk(a, fields, range(0), chunk(0), id)).status).toBe(200);
    const middle = await Promise.all([
      sendChunk(b, fields, range(3), chunk(3), id),
      sendChunk(a, fields, range(1), chunk(1), id),
      sendChunk(b, fields, range(2), chunk(2), id),
    ]);
    expect(middle.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(await askStatus(b, fields, id)).toMatchObject({
      status: 200,
      body: { done: false, bytes: 4 * piece, total: data.length, received: [{ start: 0, end: 4 * piece - 1 }] },
    });
    // Chunk objects in the bucket, nothing in either instance's chunk folder.
    expect((await objects(a)).filter((key) => key.startsWith('chunk-'))).toHaveLength(4);

    const last = await sendChunk(b, fields, range(4), chunk(4), id);
    expect(last).toMatchObject({
      status: 200,
      body: { public_id: 'shared/video', bytes: data.length, etag: md5(data) },
    });
    // The retried last chunk gets the same answer on the other instance.
    expect((await sendChunk(a, fields, range(4), chunk(4), id)).body).toEqual(last.body);
    expect((await askStatus(a, fields, id)).body).toMatchObject({ done: true, response: last.body });

    const delivered = await fetch(`${a.url}${new URL(last.body.secure_url as string).pathname}`);
    expect(md5(Buffer.from(await delivered.arrayBuffer()))).toBe(md5(data));
    const { records } = await a.catalog.assets.list({ cloud: 'signet-shared', limit: 10 });
    expect(records.map((record) => record.publicId)).toEqual(['shared/video']);
    // Only the asset's object is left: every chunk object went with the session.
    expect(await objects(a)).toEqual([records[0]?.storageKey]);
  });

  test('a chunk shorter or longer than its Content-Range is refused, nothing of it stays, and the session continues', async () => {
    const [a, b] = await twoInstances();
    const data = randomBytes(300);
    const fields = signed(a, {});
    const id = 'wrong-lengths';
    expect((await sendChunk(a, fields, 'bytes 0-99/300', data.subarray(0, 100), id)).status).toBe(200);
    expectCode(await sendChunk(b, fields, 'bytes 100-199/300', data.subarray(100, 150), id), 400, 'CHUNK_INVALID');
    expectCode(await sendChunk(a, fields, 'bytes 100-199/300', data.subarray(100, 250), id), 400, 'CHUNK_INVALID');
    expect((await objects(a)).filter((key) => key.startsWith('chunk-'))).toHaveLength(1);
    expect((await askStatus(b, fields, id)).body).toMatchObject({ bytes: 100, arriving: [] });
    expect((await sendChunk(b, fields, 'bytes 100-199/300', data.subarray(100, 200), id)).status).toBe(200);
    expect((await sendChunk(a, fields, 'bytes 200-299/300', data.subarray(200), id)).body).toMatchObject({
      bytes: 300,
      etag: md5(data),
    });
  });

  test('strangers get 404 from the status and 403 for a chunk on both instances', async () => {
    const [a, b] = await twoInstances();
    const sign = async (server: TestServer, token: string) => {
      const response = await fetch(`${server.url}/api/sign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ public_id: 'hers', timestamp: Math.floor(Date.now() / 1000) }),
      });
      const answer = (await response.json()) as { signature: string; api_key: string; timestamp: number };
      return {
        public_id: 'hers',
        timestamp: String(answer.timestamp),
        api_key: answer.api_key,
        signature: answer.signature,
      };
    };
    const alices = await sign(a, ALICE);
    expect((await sendChunk(a, alices, 'bytes 0-99/300', randomBytes(100), 'hers-1')).status).toBe(200);
    await new Promise((done) => setTimeout(done, 1100));
    const bobs = await sign(b, BOB);
    for (const server of [a, b]) expectCode(await askStatus(server, bobs, 'hers-1'), 404, 'NOT_FOUND');
    expectCode(await sendChunk(b, bobs, 'bytes 100-199/300', randomBytes(100), 'hers-1'), 403, 'CHUNK_FORBIDDEN');
    expect((await askStatus(b, alices, 'hers-1')).body).toMatchObject({ bytes: 100, arriving: [] });
  });

  test('a retry on the other instance takes the place of a chunk still arriving on the first, which then commits nothing', async () => {
    const [a, b] = await twoInstances();
    const data = randomBytes(300_000);
    const fields = signed(a, {});
    const id = 'retried-elsewhere';
    expect((await sendChunk(a, fields, 'bytes 0-99999/300000', data.subarray(0, 100_000), id)).status).toBe(200);
    const stuck = heldChunk(a, fields, 'bytes 100000-199999/300000', data.subarray(100_000, 200_000), 30_000, id);
    await until(async () => ((await askStatus(b, fields, id)).body.arriving as unknown[]).length === 1, 'arriving');

    const retry = await sendChunk(b, fields, 'bytes 100000-199999/300000', data.subarray(100_000, 200_000), id);
    expect(retry).toMatchObject({ status: 200, body: { done: false, bytes: 200_000 } });
    // The first attempt's bytes finally arrive: its claim is gone, so it records nothing.
    const late = await stuck.finish().catch(() => 'cut' as const);
    if (late !== 'cut') expectCode(late, 400, 'CHUNK_INVALID');

    const last = await sendChunk(a, fields, 'bytes 200000-299999/300000', data.subarray(200_000), id);
    expect(last.body).toMatchObject({ bytes: 300_000, etag: md5(data) });
    expect((await objects(a)).filter((key) => key.startsWith('chunk-'))).toEqual([]);
  });

  test('a chunk whose instance stopped renewing its claim (it died) frees its range once the lease ran out', async () => {
    // B's clock runs a lease ahead: to B, A's claims look abandoned.
    const [a, b] = await twoInstances({}, [undefined, () => Date.now() + LEASE_MS + 1000]);
    const data = randomBytes(300);
    const fields = signed(a, {});
    const id = 'lapsed-claim';
    expect((await sendChunk(a, fields, 'bytes 0-99/300', data.subarray(0, 100), id)).status).toBe(200);
    const abandoned = heldChunk(a, fields, 'bytes 100-199/300', data.subarray(100, 200), 10, id);
    await until(async () => ((await askStatus(a, fields, id)).body.arriving as unknown[]).length === 1, 'arriving');
    expect((await askStatus(b, fields, id)).body).toMatchObject({ arriving: [] });

    // Another split of the same bytes, which would overlap a live claim.
    expect((await sendChunk(b, fields, 'bytes 100-149/300', data.subarray(100, 150), id)).status).toBe(200);
    expect((await sendChunk(b, fields, 'bytes 150-199/300', data.subarray(150, 200), id)).status).toBe(200);
    const last = await sendChunk(b, fields, 'bytes 200-299/300', data.subarray(200), id);
    expect(last.body).toMatchObject({ bytes: 300, etag: md5(data) });
    abandoned.cut();
  });

  test('the sweep of either instance expires a session idle on both: its objects go, a late chunk gets UPLOAD_EXPIRED', async () => {
    const [a, b] = await twoInstances({ limits: { chunkTtlSeconds: 2 } });
    const fields = signed(a, {});
    expect((await sendChunk(a, fields, 'bytes 0-99/300', randomBytes(100), 'left-idle')).status).toBe(200);
    expect((await objects(a)).filter((key) => key.startsWith('chunk-'))).toHaveLength(1);
    await until(async () => (await objects(a)).length === 0, 'the sweep to remove the chunk object', 200);
    expectCode(await sendChunk(b, fields, 'bytes 100-199/300', randomBytes(100), 'left-idle'), 400, 'UPLOAD_EXPIRED');
  });

  test('the official SDK’s upload_large through a round-robin proxy: every chunk on the other instance, one whole asset', async () => {
    const [a, b] = await twoInstances();
    const proxy = await roundRobin([a, b]);
    const data = randomBytes(6 * 1024 * 1024 + 12345);
    const path = join(await tempDir(), 'large.bin');
    await writeFile(path, data);
    const outcome = await runSdk({ ...a, url: proxy.url }, 'upload_large', path, {
      resource_type: 'raw',
      public_id: 'sdk/large.bin',
      chunk_size: 2 * 1024 * 1024,
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toMatchObject({ public_id: 'sdk/large.bin', bytes: data.length, etag: md5(data) });
    expect(proxy.served.every((count) => count >= 2)).toBe(true);
    const { records } = await b.catalog.assets.list({ cloud: 'signet-shared', limit: 10 });
    expect(records).toHaveLength(1);
    expect(await objects(a)).toEqual([records[0]?.storageKey]);
  });
});
