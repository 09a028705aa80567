// Starts the built `signet-server` CLI as an operator would, serving the built demo, and waits for its one
// "listening" line. Options add a config file, environment (the remote-source tests run it with NODE_ENV=test and
// Dropbox app keys), or a `node --import` preload; everything it prints is kept, so tests can search the logs.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../server/bin/signet-server.js', import.meta.url));
const DEMO = fileURLToPath(new URL('../../dist/demo', import.meta.url));

export interface BuiltServer {
  url: string;
  dataDir: string;
  credentials: { cloud_name: string; api_key: string; api_secret: string };
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface BuiltServerOptions {
  /** Written to a config file passed with `--config`. */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  /** A module for `node --import` (server/test/remote/redirect-dropbox.mjs). */
  preload?: string;
  /** More CLI arguments. */
  args?: string[];
}

export async function startBuiltServer(options: BuiltServerOptions = {}): Promise<BuiltServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'signet-e2e-'));
  const config = options.config ? [join(dataDir, 'config.json')] : [];
  if (options.config) await writeFile(join(dataDir, 'config.json'), JSON.stringify(options.config));
  const args = [
    ...(options.preload ? ['--import', options.preload] : []),
    BIN,
    ...['--port', '0', '--data', dataDir, '--static', DEMO],
    ...config.flatMap((file) => ['--config', file]),
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let output = '';
  const keep = (data: Buffer) => {
    output += data.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    child.stdout?.on('data', () => {
      const match = /^signet-server listening on (http:\/\/\S+)$/m.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
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
