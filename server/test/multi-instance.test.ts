// Two reference servers on different ports and data dirs, sharing radosgw (one bucket and prefix) and PostgreSQL
// (one schema), and the account's credentials: either serves the other's assets and honours the other's replay
// protection and upload tokens.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DeepPartial, ServerConfig } from '../src/config.js';
import { makePng } from './fixtures/png.js';
import { nowSeconds, signed, startTestServer, type TestServer } from './helpers.js';
import {
  createTestBucket,
  dropTestSchemas,
  newSchemaName,
  postgresCatalogConfig,
  removeTestBucket,
  s3StorageConfig,
  testS3Client,
} from './services-setup.js';

const TOKEN = 'shared-user-token-0123456789';
const client = testS3Client();
let bucket = '';

beforeAll(async () => {
  bucket = await createTestBucket(client, 'signet-multi');
});
afterAll(async () => {
  await removeTestBucket(client, bucket);
  await dropTestSchemas();
});

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('hex');

/** What every instance must share: the account (API secret), the users, the bucket + prefix and the database. */
function sharedConfig(): DeepPartial<ServerConfig> {
  return {
    credentials: {
      cloud_name: 'signet-multi',
      api_key: '123456789012345',
      api_secret: randomBytes(24).toString('base64url'),
    },
    users: { [TOKEN]: { id: 'alice', role: 'admin' } },
    storage: s3StorageConfig(bucket, { prefix: `m${randomBytes(4).toString('hex')}/` }),
    catalog: postgresCatalogConfig(newSchemaName()),
  };
}

async function twoInstances(): Promise<[TestServer, TestServer]> {
  const config = sharedConfig();
  const a = await startTestServer({ config });
  const b = await startTestServer({ config });
  expect(a.url).not.toBe(b.url);
  expect(a.dataDir).not.toBe(b.dataDir);
  return [a, b];
}

function form(fields: Record<string, string>, data: Uint8Array): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  body.append('file', new Blob([new Uint8Array(data)]), 'photo.png');
  return body;
}

async function post(server: TestServer, body: FormData): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/v1_1/signet-multi/auto/upload`, { method: 'POST', body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function api(server: TestServer, path: string, body: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function bytesAt(url: string): Promise<string> {
  return md5(Buffer.from(await (await fetch(url)).arrayBuffer()));
}

describe('two instances sharing S3 and PostgreSQL', () => {
  test("serve each other's assets, and list them", async () => {
    const [a, b] = await twoInstances();
    const data = makePng(40, 30);
    const uploaded = await post(a, form(signed(a, { public_id: 'shared/photo' }), data));
    expect(uploaded.status).toBe(200);
    const path = new URL(uploaded.body.secure_url as string).pathname;
    expect(await bytesAt(`${b.url}${path}`)).toBe(md5(data));
    const listed = (await (
      await fetch(`${b.url}/api/assets`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as {
      resources: { public_id: string }[];
    };
    expect(listed.resources.map((asset) => asset.public_id)).toEqual(['shared/photo']);

    const fromB = await post(b, form(signed(b, { public_id: 'shared/second' }), makePng(8, 8)));
    expect(fromB.status).toBe(200);
    expect(await bytesAt(`${a.url}${new URL(fromB.body.secure_url as string).pathname}`)).toBe(md5(makePng(8, 8)));
  });

  test("enforce each other's replay protection: a signature issued once is used once, whichever instance", async () => {
    const [a, b] = await twoInstances();
    const issued = await api(a, '/api/sign', { public_id: 'once', timestamp: nowSeconds() });
    expect(issued.status).toBe(200);
    const { signature, api_key, timestamp } = issued.body as { signature: string; api_key: string; timestamp: number };
    const fields = { public_id: 'once', timestamp: String(timestamp), api_key, signature };
    expect((await post(a, form(fields, makePng(4, 4)))).status).toBe(200);
    const replayed = await post(b, form(fields, makePng(4, 4)));
    expect({ status: replayed.status, code: (replayed.body.error as { code: string }).code }).toEqual({
      status: 400,
      code: 'SIGNATURE_REPLAYED',
    });
  });

  test('carry a direct upload started on one and signed and completed on the other; completing twice is refused', async () => {
    const [a, b] = await twoInstances();
    const data = Buffer.concat([makePng(40, 30), randomBytes(100_000)]);
    const started = await api(a, '/api/s3/start', {
      params: signed(a, { folder: 'direct' }),
      file: { name: 'p.png', size: data.length, type: 'image/png' },
    });
    expect(started.status).toBe(200);
    const { key, token } = started.body as { key: string; token: string };
    const signedPut = await api(b, '/api/s3/sign', { key, token, method: 'PUT' });
    expect(signedPut.status).toBe(200);
    const { url, headers } = signedPut.body as { url: string; headers: Record<string, string> };
    expect((await fetch(url, { method: 'PUT', body: new Blob([new Uint8Array(data)]), headers })).status).toBe(200);

    const completed = await api(b, '/api/s3/complete', { key, token });
    expect(completed.status).toBe(200);
    expect(await bytesAt(`${a.url}${new URL(completed.body.secure_url as string).pathname}`)).toBe(md5(data));
    const again = await api(a, '/api/s3/complete', { key, token });
    expect({ status: again.status, code: (again.body.error as { code: string }).code }).toEqual({
      status: 409,
      code: 'SIGNATURE_REPLAYED',
    });
  });

  test("without the same API secret, an instance refuses the other's signatures and upload tokens", async () => {
    const config = sharedConfig();
    const a = await startTestServer({ config });
    const b = await startTestServer({
      config: { ...config, credentials: { ...config.credentials, api_secret: randomBytes(24).toString('base64url') } },
    });
    expect((await post(b, form(signed(a, {}), makePng(4, 4)))).status).toBe(401);
    const started = await api(a, '/api/s3/start', {
      params: signed(a, {}),
      file: { name: 'p.png', size: 10, type: 'image/png' },
    });
    const { key, token } = started.body as { key: string; token: string };
    expect((await api(b, '/api/s3/sign', { key, token, method: 'PUT' })).status).toBe(401);
  });
});
