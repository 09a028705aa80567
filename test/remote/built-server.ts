// Starts the built `signet-server` CLI for the remote-source e2e tests: like test/helpers/built-server.ts, plus a
// config file, extra environment (NODE_ENV=test, Dropbox app keys), an optional `--import` preload, and every line
// it printed kept, so tests can search the logs.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RemoteBuiltServer {
  url: string;
  dataDir: string;
  credentials: { cloud_name: string; api_key: string; api_secret: string };
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface RemoteBuiltServerOptions {
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  /** A module for `node --import` (test/remote/redirect-dropbox.mjs). */
  preload?: string;
}

export async function startRemoteBuiltServer(options: RemoteBuiltServerOptions = {}): Promise<RemoteBuiltServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'signet-e2e-remote-'));
  const configFile = join(dataDir, 'config.json');
  await writeFile(configFile, JSON.stringify(options.config ?? {}));
  const args = [
    ...(options.preload ? ['--import', options.preload] : []),
    'bin/signet-server.js',
    '--port',
    '0',
    '--data',
    dataDir,
    '--static',
    'dist/demo',
    '--config',
    configFile,
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test', ...options.env },
  });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /^signet-server listening on (http:\/\/\S+)$/m.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const credentials = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8'));
  return {
    url,
    dataDir,
    credentials,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
