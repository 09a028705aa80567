// The published package as an operator meets it: what `import 'signet-upload-server'` offers, and a script that
// starts and closes a server ending by itself. These run the build (`npm test` builds first), in child processes,
// because what they check (bundler output, handles left open) only exists there.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, onTestFinished, test } from 'vitest';
import { tempDir } from './helpers.js';
import {
  createTestBucket,
  dropTestSchemas,
  postgresCatalogConfig,
  removeTestBucket,
  s3StorageConfig,
  testS3Client,
} from './services-setup.js';

const ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Runs an ES module snippet in a fresh Node; resolves with its stdout once the process has exited on its own. */
function runNode(source: string, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', source],
      { timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, NODE_ENV: 'production' } },
      (error, stdout, stderr) => resolve({ code: error ? (child.exitCode ?? null) : 0, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: build first (npm run build).`);
});
afterAll(() => dropTestSchemas());

test('the entry exports exactly its documented API, by name', async () => {
  const { code, stdout, stderr } = await runNode(
    `const m = await import(${JSON.stringify(ENTRY)}); console.log(JSON.stringify(Object.keys(m).sort()));`,
  );
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toEqual([
    'DEFAULT_CONFIG',
    'ENV_VARS',
    'responseSignature',
    'sign',
    'startServer',
    'verify',
  ]);
});

const startAndClose = (config: object, dataDir: string) => `
  const { startServer } = await import(${JSON.stringify(ENTRY)});
  const server = await startServer({ port: 0, dataDir: ${JSON.stringify(dataDir)}, env: {}, log() {},
    config: ${JSON.stringify(config)} });
  // A request through each kind of route, so keep-alive sockets and lazily started parts exist.
  for (const path of ['/api/config', '/companion/url/meta', '/v1_1/x/image/upload'])
    await fetch(server.url + path, { method: path === '/api/config' ? 'GET' : 'POST' }).then((r) => r.arrayBuffer());
  await server.close();
  console.log('closed');
`;

test('a script that starts and closes the default server (disk, SQLite, remote sources) exits by itself', async () => {
  const dataDir = await tempDir();
  const companion = { secret: 'a-fixed-secret-for-production-mode-0123456789' };
  const { code, stdout, stderr } = await runNode(startAndClose({ companion }, dataDir));
  expect(stderr).not.toMatch(/error/i);
  expect(stdout.trim()).toBe('closed');
  // Killed by the timeout (a handle left open) shows as a null or non-zero code.
  expect(code).toBe(0);
});

test('a script that starts and closes a server on S3 and PostgreSQL exits by itself', async () => {
  const client = testS3Client();
  const bucket = await createTestBucket(client);
  onTestFinished(() => removeTestBucket(client, bucket));
  const dataDir = await tempDir();
  const config = {
    companion: { secret: 'a-fixed-secret-for-production-mode-0123456789' },
    storage: s3StorageConfig(bucket),
    catalog: postgresCatalogConfig(),
  };
  const { code, stdout, stderr } = await runNode(startAndClose(config, dataDir));
  expect(stderr).not.toMatch(/error/i);
  expect(stdout.trim()).toBe('closed');
  expect(code).toBe(0);
});
