// Vitest globalSetup: the external services the S3 and PostgreSQL tests need, started from the repository's own
// scripts when the environment does not name running ones.
//
//   SIGNET_TEST_S3_ENDPOINT (+ SIGNET_TEST_S3_ACCESS_KEY_ID, SIGNET_TEST_S3_SECRET_ACCESS_KEY, SIGNET_TEST_S3_REGION)
//     an S3-compatible endpoint whose credentials may create buckets; absent → scripts/services/rgw.sh
//   SIGNET_TEST_PG_URL
//     a PostgreSQL URL whose user may create schemas; absent → scripts/services/postgres.sh
//
// The tests never skip: without these services they fail and say how to provide them (`testServices()`).
// In the browser project it also starts a reference server on S3 + PostgreSQL and provides it as `s3Server`.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { TestProject } from 'vitest/node';
import { DEFAULT_CONFIG, type ServerConfig } from '../src/config.js';
import { createS3Client } from '../src/stores/s3.js';

export interface TestServices {
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
  pgUrl: string;
}

export interface S3ServerInfo {
  url: string;
  cloudName: string;
  apiKey: string;
  apiSecret: string;
  token: string;
  bucket: string;
  /** A presigned ListMultipartUploads of the bucket (valid one hour), so a page can check nothing is left open. */
  listUploadsUrl: string;
  /** The cutting proxy browsers reach the bucket through (presigned URLs name it), for tests of network cuts. */
  bucketProxy: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    signetServices: TestServices;
    s3Server: S3ServerInfo;
  }
}

const SCRIPTS = fileURLToPath(new URL('../scripts/services/', import.meta.url));
const HOW_TO = `Provide them through SIGNET_TEST_S3_ENDPOINT (+ SIGNET_TEST_S3_ACCESS_KEY_ID, SIGNET_TEST_S3_SECRET_ACCESS_KEY) and SIGNET_TEST_PG_URL, or run Vitest with server/test/services-setup.ts as a globalSetup (it starts radosgw and PostgreSQL with server/scripts/services/*.sh; needs root on Debian).`;

/** The services of this run, from the environment; throws (never skips) when they are missing. */
export function testServices(): TestServices {
  const env = process.env;
  if (!env.SIGNET_TEST_S3_ENDPOINT || !env.SIGNET_TEST_PG_URL)
    throw new Error(`The S3 and PostgreSQL tests need running services. ${HOW_TO}`);
  return {
    s3: {
      endpoint: env.SIGNET_TEST_S3_ENDPOINT,
      region: env.SIGNET_TEST_S3_REGION || 'us-east-1',
      accessKeyId: env.SIGNET_TEST_S3_ACCESS_KEY_ID || 'TESTACCESSKEY',
      secretAccessKey: env.SIGNET_TEST_S3_SECRET_ACCESS_KEY || 'TESTSECRETKEY',
    },
    pgUrl: env.SIGNET_TEST_PG_URL,
  };
}

export function testS3Client(services = testServices()): S3Client {
  return createS3Client({ ...services.s3, forcePathStyle: true });
}

/** A fresh bucket whose CORS lets any page use presigned URLs (browser tests run on a random origin). */
export async function createTestBucket(client: S3Client, prefix = 'signet-test'): Promise<string> {
  const bucket = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await client.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: ['*'],
            AllowedMethods: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'],
            AllowedHeaders: ['*'],
            ExposeHeaders: ['ETag'],
            MaxAgeSeconds: 600,
          },
        ],
      },
    }),
  );
  return bucket;
}

/** Empties and removes a bucket (objects only; open multipart uploads die with the bucket on radosgw). */
export async function removeTestBucket(client: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key as string }));
    if (keys.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
}

function run(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [join(SCRIPTS, script), 'start'],
      { env: { ...process.env, ...env }, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const ready = stdout.split('\n').find((line) => line.startsWith('READY '));
        if (error || !ready) reject(new Error(`${script} failed: ${error?.message ?? 'no READY line'}\n${stderr}`));
        else resolve(ready);
      },
    );
  });
}

function stop(script: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve) => {
    execFile('bash', [join(SCRIPTS, script), 'stop'], { env: { ...process.env, ...env } }, () => resolve());
  });
}

function field(line: string, name: string): string {
  const value = new RegExp(`(?:^| )${name}=(\\S+)`).exec(line)?.[1];
  if (!value) throw new Error(`No ${name}= in "${line}"`);
  return value;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function startRgw(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'signet-rgw-'));
  const env = {
    SIGNET_RGW_DIR: join(dir, 'node'),
    SIGNET_RGW_PORT: String(await freePort()),
    SIGNET_RGW_MON_PORT: String(await freePort()),
  };
  const started = Date.now();
  try {
    const line = await run('rgw.sh', env);
    process.env.SIGNET_TEST_S3_ENDPOINT = field(line, 'endpoint');
    process.env.SIGNET_TEST_S3_ACCESS_KEY_ID = field(line, 'access_key');
    process.env.SIGNET_TEST_S3_SECRET_ACCESS_KEY = field(line, 'secret_key');
    console.log(`services-setup: radosgw ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    await stop('rgw.sh', env);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return async () => {
    await stop('rgw.sh', env);
    await rm(dir, { recursive: true, force: true });
  };
}

async function startPostgres(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'signet-pg-'));
  // The server runs as the unprivileged `postgres` user, which must reach its folder.
  await chmod(dir, 0o755);
  const env = { SIGNET_PG_DIR: join(dir, 'cluster') };
  try {
    process.env.SIGNET_TEST_PG_URL = field(await run('postgres.sh', env), 'url');
  } catch (error) {
    await stop('postgres.sh', env);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return async () => {
    await stop('postgres.sh', env);
    await rm(dir, { recursive: true, force: true });
  };
}

async function startS3Server(services: TestServices): Promise<{ info: S3ServerInfo; close(): Promise<void> }> {
  const [{ startServer }, { getSignedUrl }] = await Promise.all([
    import('../src/index.js'),
    import('@aws-sdk/s3-request-presigner'),
  ]);
  const client = testS3Client(services);
  const bucket = await createTestBucket(client, 'signet-browser');
  const dataDir = await mkdtemp(join(tmpdir(), 'signet-browser-s3-'));
  const token = 'browser-test-token';
  // Browsers reach the bucket through a cutting proxy (test/helpers/cutting-proxy.ts), idle unless a test arms it.
  const { startCuttingProxy, stopCuttingProxy } = await import('../../test/helpers/cutting-proxy.js');
  const bucketProxy = await startCuttingProxy(services.s3.endpoint);
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    env: {},
    config: {
      users: { [token]: { id: 'tester', role: 'admin' } },
      storage: { kind: 's3', s3: { ...services.s3, bucket, forcePathStyle: true, publicEndpoint: bucketProxy } },
      catalog: { kind: 'postgres', url: services.pgUrl, schema: `browser_${Date.now().toString(36)}` },
      // Small enough that a 12 MiB file is three parts, large enough for S3's 5 MiB minimum.
      limits: { maxFileSize: 64 * 1024 * 1024 },
    },
    log: () => {},
  });
  const listUploadsUrl = await getSignedUrl(client, new ListMultipartUploadsCommand({ Bucket: bucket }), {
    expiresIn: 3600,
  });
  return {
    info: {
      url: server.url,
      cloudName: server.credentials.cloud_name,
      apiKey: server.credentials.api_key,
      apiSecret: server.credentials.api_secret,
      token,
      bucket,
      listUploadsUrl,
      bucketProxy,
    },
    async close() {
      await server.close();
      await stopCuttingProxy(bucketProxy);
      await removeTestBucket(client, bucket).catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const teardown: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const step of teardown.reverse()) await step().catch(() => {});
  };
  try {
    const starting: Promise<void>[] = [];
    if (!process.env.SIGNET_TEST_S3_ENDPOINT) starting.push(startRgw().then((stop) => void teardown.push(stop)));
    if (!process.env.SIGNET_TEST_PG_URL) starting.push(startPostgres().then((stop) => void teardown.push(stop)));
    const results = await Promise.allSettled(starting);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw new Error(`Could not start the test services. ${HOW_TO}`, { cause: failed.reason });
    const services = testServices();
    project.provide('signetServices', services);
    if (project.config.browser?.enabled) {
      const s3Server = await startS3Server(services);
      teardown.push(() => s3Server.close());
      project.provide('s3Server', s3Server.info);
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  return cleanup;
}

/** `storage` for a reference server on the test S3 service. */
export function s3StorageConfig(
  bucket: string,
  overrides: Partial<ServerConfig['storage']['s3']> = {},
): ServerConfig['storage'] {
  const { s3 } = testServices();
  return { kind: 's3', s3: { ...DEFAULT_CONFIG.storage.s3, ...s3, bucket, forcePathStyle: true, ...overrides } };
}

const createdSchemas: string[] = [];

/** `catalog` for a reference server on the test PostgreSQL, in a schema of its own (see `dropTestSchemas`). */
export function postgresCatalogConfig(schema = newSchemaName()): ServerConfig['catalog'] {
  return { kind: 'postgres', url: testServices().pgUrl, schema };
}

export function newSchemaName(): string {
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  createdSchemas.push(schema);
  return schema;
}

/** Drops every schema `newSchemaName` made in this test file. */
export async function dropTestSchemas(): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: testServices().pgUrl });
  await client.connect();
  for (const schema of createdSchemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
