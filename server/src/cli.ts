/**
 * `signet-server [--host H] [--port N] [--data DIR] [--config FILE] [--static DIR]`
 *
 * Starts the reference server and prints one line to stdout once it listens:
 * `signet-server listening on http://HOST:PORT`. Account details follow on stderr (never the secret).
 */
import { realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG, ENV_VARS, parsePort } from './config.js';
import { CREDENTIALS_FILE } from './credentials.js';
import { type SignetServer, type StartOptions, startServer } from './server.js';

export const USAGE = 'Usage: signet-server [--host H] [--port N] [--data DIR] [--config FILE] [--static DIR]';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** Close on SIGINT/SIGTERM and exit; off when a test runs `main` in-process. */
  handleSignals: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const FLAGS = {
  '--host': 'host',
  '--port': 'port',
  '--data': 'dataDir',
  '--config': 'configFile',
  '--static': 'staticDir',
} as const;

const FLAG_HELP: Record<keyof typeof FLAGS, [value: string, meaning: string, fallback: string]> = {
  '--host': ['H', `address to listen on (env ${ENV_VARS.host})`, DEFAULT_CONFIG.server.host],
  '--port': ['N', `port; 0 picks a free one (env ${ENV_VARS.port})`, String(DEFAULT_CONFIG.server.port)],
  '--data': ['DIR', `credentials, catalogue, files (env ${ENV_VARS.dataDir})`, DEFAULT_CONFIG.server.dataDir],
  '--config': ['FILE', `JSON file with any part of the configuration (env ${ENV_VARS.config})`, 'none'],
  '--static': ['DIR', 'serve this folder at / (the demo)', 'none'],
};

const ENV_HELP: Record<keyof typeof ENV_VARS, [meaning: string, fallback: string]> = {
  host: ['address to listen on', DEFAULT_CONFIG.server.host],
  port: ['port', String(DEFAULT_CONFIG.server.port)],
  dataDir: ['data directory', DEFAULT_CONFIG.server.dataDir],
  config: ['JSON config file', 'none'],
  s3Bucket: ['store files in this S3 bucket (switches storage to s3)', 'none: local disk'],
  s3Endpoint: ['S3 endpoint URL (radosgw, MinIO …)', 'AWS in the region'],
  s3Region: ['S3 region', DEFAULT_CONFIG.storage.s3.region],
  s3AccessKeyId: ['S3 access key id', 'none'],
  s3SecretAccessKey: ['S3 secret access key', 'none'],
  catalogUrl: ['postgres:// URL (switches the catalogue to PostgreSQL)', 'none: SQLite in the data directory'],
  companionSecret: ['fixed secret of the remote sources (required when NODE_ENV=production)', 'derived'],
  dropboxKey: ['Dropbox app key (with the secret: offers Dropbox)', 'none'],
  dropboxSecret: ['Dropbox app secret', 'none'],
};

/** `--help`: every flag and environment variable with its default. */
export function helpText(): string {
  const rows = (entries: [string, string, string][]): string => {
    const width = Math.max(...entries.map(([name]) => name.length));
    return entries
      .map(([name, meaning, fallback]) => `  ${name.padEnd(width)}  ${meaning} [default: ${fallback}]`)
      .join('\n');
  };
  const flags = Object.entries(FLAG_HELP).map(
    ([flag, [value, meaning, fallback]]) => [`${flag} ${value}`, meaning, fallback] as [string, string, string],
  );
  const env = Object.entries(ENV_HELP).map(
    ([key, [meaning, fallback]]) =>
      [ENV_VARS[key as keyof typeof ENV_VARS], meaning, fallback] as [string, string, string],
  );
  return [
    USAGE,
    '',
    'Starts the Signet reference server and prints "signet-server listening on URL" once it listens.',
    'Flags win over environment variables, which win over the config file.',
    '',
    'Flags:',
    rows(
      [...flags, ['--help, -h', 'print this help', '']].map(
        ([a, b, c]) => [a, b, c || '—'] as [string, string, string],
      ),
    ),
    '',
    'Environment:',
    rows(env),
    '',
    'Everything else (users, presets, limits, CORS origins …) is set in the config file; see the README.',
  ].join('\n');
}

export function parseArgs(argv: readonly string[]): StartOptions {
  const options: StartOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (!Object.hasOwn(FLAGS, flag)) throw new UsageError(`Unknown argument "${arg}".`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value.`);
    const key = FLAGS[flag as keyof typeof FLAGS];
    if (key === 'port') options.port = parsePort(value, '--port');
    else options[key] = value;
  }
  return options;
}

/** Runs the CLI; resolves with the running server (tests close it), or null after printing help. */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<SignetServer | null> {
  const { stdout, stderr, env, handleSignals } = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    handleSignals: false,
    ...io,
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    stdout.write(`${helpText()}\n`);
    return null;
  }
  const server = await startServer({ ...parseArgs(argv), env, log: (line) => stderr.write(`${line}\n`) });
  stdout.write(`signet-server listening on ${server.url}\n`);
  stderr.write(
    `cloud_name=${server.credentials.cloud_name} api_key=${server.credentials.api_key}\n` +
      `API secret and demo token: ${join(server.dataDir, CREDENTIALS_FILE)}\n`,
  );
  if (handleSignals) {
    const stop = (): void => {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return server;
}

/** True when this module is the program: run directly, or through the package's `bin/signet-server.js` shim. */
function isEntry(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  const self = fileURLToPath(import.meta.url);
  const shim = resolve(dirname(self), '../bin/signet-server.js');
  try {
    const real = realpathSync(script);
    return real === realpathSync(self) || real === shim;
  } catch {
    return false;
  }
}

if (isEntry()) {
  main(process.argv.slice(2), { handleSignals: true }).catch((error: unknown) => {
    process.stderr.write(`signet-server: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
}
