// The `signet-server` command, run in-process through its exported main().
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { main, parseArgs, USAGE, UsageError } from '../src/cli.js';
import { DEFAULT_CONFIG, ENV_VARS, loadConfig } from '../src/config.js';
import type { SignetServer } from '../src/index.js';
import { tempDir } from './helpers.js';

function collector() {
  let text = '';
  return {
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}

async function run(argv: string[], env: Record<string, string> = {}) {
  const stdout = collector();
  const stderr = collector();
  const server = (await main(argv, { stdout, stderr, env })) as SignetServer;
  onTestFinished(() => server.close());
  return { server, stdout, stderr };
}

describe('signet-server', () => {
  test('prints exactly one listening line on stdout, and the account (never the secret) on stderr', async () => {
    const dataDir = await tempDir();
    const { server, stdout, stderr } = await run(['--host', '127.0.0.1', '--port', '0', '--data', dataDir]);
    expect(stdout.text).toMatch(/^signet-server listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(stdout.text.trim().split(' ').at(-1)).toBe(server.url);
    expect(stderr.text).toContain(`cloud_name=${server.credentials.cloud_name} api_key=${server.credentials.api_key}`);
    expect(stderr.text).toContain(join(dataDir, 'credentials.json'));
    expect(stderr.text + stdout.text).not.toContain(server.credentials.api_secret);
    expect((await fetch(`${server.url}/api/config`)).status).toBe(200);
  });

  test('generates credentials once, mode 0600, and reuses them on the next start', async () => {
    const dataDir = await tempDir();
    const first = await run(['--port', '0', '--data', dataDir]);
    const file = join(dataDir, 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(stored).toEqual(first.server.credentials);
    expect(stored.cloud_name).toMatch(/^signet-[0-9a-f]{6}$/);
    expect(stored.api_key).toMatch(/^[1-9]\d{14}$/);
    expect(stored.api_secret).toMatch(/^[A-Za-z0-9_-]{27,}$/);
    await first.server.close();

    const second = await run(['--port', '0', '--data', dataDir]);
    expect(second.server.credentials).toEqual(first.server.credentials);
  });

  test('reads SIGNET_* variables, and flags win over them', async () => {
    const dataDir = await tempDir();
    const { server } = await run([], { SIGNET_DATA_DIR: dataDir, SIGNET_PORT: '0', SIGNET_HOST: '127.0.0.1' });
    expect(server.dataDir).toBe(dataDir);
    const other = await tempDir();
    const flagged = await run(['--data', other], { SIGNET_DATA_DIR: dataDir, SIGNET_PORT: '0' });
    expect(flagged.server.dataDir).toBe(other);
  });

  test('--help lists every flag and environment variable with its default, and starts nothing', async () => {
    const stdout = collector();
    expect(await main(['--help'], { stdout, stderr: collector(), env: {} })).toBeNull();
    const lines = stdout.text.split('\n');
    expect(lines[0]).toBe(USAGE);
    const row = (name: string) => lines.find((line) => line.trimStart().startsWith(`${name} `));
    for (const flag of ['--host', '--port', '--data', '--config', '--static']) {
      expect(row(flag), flag).toMatch(/\[default: [^\]]+\]$/);
      // Every flag listed is one the parser takes.
      if (flag !== '--config' && flag !== '--static') expect(() => parseArgs([flag, '1'])).not.toThrow(UsageError);
    }
    for (const name of Object.values(ENV_VARS)) expect(row(name), name).toMatch(/\[default: [^\]]+\]$/);
    expect(row('--port')).toContain(`[default: ${DEFAULT_CONFIG.server.port}]`);
    expect(row('--host')).toContain(`[default: ${DEFAULT_CONFIG.server.host}]`);
    expect(row(ENV_VARS.s3Region)).toContain(`[default: ${DEFAULT_CONFIG.storage.s3.region}]`);
  });

  test.each([
    [['--bogus'], /Unknown argument/],
    [['--port'], /needs a value/],
    [['--data', ''], /needs a value/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  test('parses --flag=value and refuses a bad port', () => {
    expect(parseArgs(['--port=0', '--static=dist/demo', '--config', 'c.json'])).toEqual({
      port: 0,
      staticDir: 'dist/demo',
      configFile: 'c.json',
    });
    expect(() => parseArgs(['--port', '99999'])).toThrow(/port number/);
  });
});

describe('loadConfig', () => {
  test('defaults < config file < environment < explicit options', async () => {
    const file = join(await tempDir(), 'signet.json');
    await writeFile(
      file,
      JSON.stringify({
        server: { port: 1111, host: '0.0.0.0' },
        signing: { windowSeconds: 600 },
        limits: { maxFileSize: 10 },
      }),
    );
    const config = loadConfig({
      configFile: file,
      env: { SIGNET_PORT: '2222', SIGNET_DATA_DIR: '/srv/signet' },
      overrides: { limits: { maxFileSize: 20 } },
    });
    expect(config.server).toEqual({
      ...DEFAULT_CONFIG.server,
      host: '0.0.0.0',
      port: 2222,
      dataDir: '/srv/signet',
      staticDir: null,
    });
    expect(config.signing).toEqual({ ...DEFAULT_CONFIG.signing, windowSeconds: 600 });
    expect(config.limits).toEqual({ ...DEFAULT_CONFIG.limits, maxFileSize: 20 });
  });

  test('finds the file through SIGNET_CONFIG', async () => {
    const file = join(await tempDir(), 'signet.json');
    await writeFile(file, JSON.stringify({ cors: { origins: ['https://app.example'] } }));
    expect(loadConfig({ env: { SIGNET_CONFIG: file } }).cors.origins).toEqual(['https://app.example']);
  });

  test.each([
    [{ signing: { windowSeconds: 0 } }, /windowSeconds/],
    [{ limits: { maxFields: 1.5 } }, /maxFields/],
    [{ users: { short: { id: 'a', role: 'admin' } } }, /16 characters/],
    [{ users: { 'long-enough-token-1': { id: 'a', role: 'root' } } }, /role/],
    [{ rateLimits: { unsignedUploads: null } }, /rateLimits\.unsignedUploads must be an object.*perAddress: null/],
    [{ rateLimits: null }, /rateLimits must be an object/],
  ] as const)('refuses %j', (overrides, message) => {
    expect(() => loadConfig({ overrides: overrides as never })).toThrow(message);
  });

  test('names an unreadable config file', () => {
    expect(() => loadConfig({ configFile: '/nonexistent/signet.json' })).toThrow(/signet\.json/);
  });
});
