/**
 * Signet's reference server: Cloudinary's Upload API, a signing endpoint for pages,
 * delivery of the stored bytes, and the demo's static files, on plain `node:http`.
 *
 * Data flow, one module each: sign (`signing.ts`, `routes/sign.ts`) → authorize before a byte is stored
 * (`pipeline/authorize.ts`) → store (`stores/`) → validate (`validate/`) → catalogue (`catalog/`) → deliver
 * (`routes/delivery.ts`). HTTP is Express 5 (`http/app.ts`): cross-cutting concerns are middleware, applied once.
 */

import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { type ConfigUser, liveIdentity, seedUsers } from './auth/users.js';
import type { Catalog } from './catalog/catalog.js';
import { openCatalog } from './catalog/open.js';
import type { CompanionHost } from './companion/mount.js';
import { type Resolver, systemResolver } from './companion/ssrf-guard.js';
import { type AuthUser, type DeepPartial, loadConfig, type ServerConfig } from './config.js';
import type { ServerContext, ServerPaths } from './context.js';
import { CREDENTIALS_FILE, type Credentials, loadCredentials } from './credentials.js';
import { createApp } from './http/app.js';
import { tokenUser } from './http/caller.js';
import { createRateLimiters } from './http/rate-limit.js';
import { DiskChunkSessions } from './pipeline/disk-sessions.js';
import type { ChunkSessionStore } from './pipeline/sessions.js';
import { seedPresets } from './presets/store.js';
import { companionHost } from './routes/companion.js';
import { DEMO_COOKIE } from './routes/static.js';
import { createGuardedServer } from './slow-clients.js';
import { makeDirectory } from './storage-errors.js';
import { DiskStore } from './stores/disk.js';
import type { Store } from './stores/store.js';
import { sweep, sweepIntervalMs } from './sweep.js';

export interface StartOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 8787; 0 = any free port. */
  port?: number;
  /** Default './.data'; created on first start. */
  dataDir?: string;
  /** A JSON file with any part of `ServerConfig`. */
  configFile?: string;
  /** Programmatic overrides, applied over the file and the environment. */
  config?: DeepPartial<ServerConfig>;
  /** When set, GET serves files from this folder at '/' (the demo page). */
  staticDir?: string;
  /** Who is calling the signing endpoint; default: a bearer token or the `signet_token` cookie in `config.users`. */
  authenticate?: (req: IncomingMessage) => Promise<AuthUser | null> | AuthUser | null;
  /** Default `console.error`. */
  log?: (line: string) => void;
  /** Environment to read `SIGNET_*` from; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Clock in milliseconds; default `Date.now` (tests travel in time with it). */
  now?: () => number;
  /** Test mode without NODE_ENV=test: permits `companion.allowLocalUrls`. Never together with NODE_ENV=production. */
  testMode?: boolean;
  /** Resolves host names for the remote-URL guard (all addresses of a name); default: the system's resolver. */
  resolveHost?: Resolver;
}

export interface SignetServer {
  /** The listening URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  credentials: Credentials;
  config: ServerConfig;
  catalog: Catalog;
  store: Store;
  /** Absolute. */
  dataDir: string;
  /** Stops listening, lets requests in flight finish (then cuts them after a grace period), closes the catalogue. */
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 5000;
const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '[::]']);

export async function startServer(options: StartOptions = {}): Promise<SignetServer> {
  const config = loadConfig({
    configFile: options.configFile,
    env: options.env ?? process.env,
    overrides: {
      ...options.config,
      server: {
        ...options.config?.server,
        ...defined({ host: options.host, port: options.port, dataDir: options.dataDir, staticDir: options.staticDir }),
      },
    },
  });
  const log = options.log ?? ((line: string) => console.error(line));
  const now = options.now ?? Date.now;
  const paths = await preparePaths(resolve(config.server.dataDir));
  const credentials = await loadCredentials(paths.dataDir, config.credentials);
  const demoMode = Object.keys(config.users).length === 0;
  const users: Record<string, ConfigUser> = demoMode
    ? { [credentials.demo_token]: { id: 'demo', role: 'admin' } }
    : config.users;
  // PostgreSQL and the AWS SDK load only when configured: they would cost every embedded server ~40 MiB of RSS.
  const catalog = await openCatalog(
    config.catalog.kind === 'postgres'
      ? { kind: 'postgres', url: config.catalog.url ?? '', schema: config.catalog.schema ?? undefined }
      : { kind: 'sqlite', file: paths.catalogFile },
  );
  const s3 = config.storage.kind === 's3' ? new (await import('./stores/s3.js')).S3Store(config.storage.s3) : null;

  const ctx: ServerContext = {
    config,
    credentials,
    catalog,
    store: s3 ?? new DiskStore(paths.storeDir),
    sessions: await chunkSessions(config, catalog, s3, paths, now),
    paths,
    users,
    demoToken: demoMode ? credentials.demo_token : null,
    // Whoever the token or hook names, the catalogue has the last word: a deleted user is nobody, a demoted one
    // no longer an admin, from the next request on.
    authenticate: async (req) => {
      const identity = options.authenticate ? await options.authenticate(req) : tokenUser(req, users, DEMO_COOKIE);
      return identity && liveIdentity(catalog.users, identity);
    },
    log,
    now,
    limits: createRateLimiters(config.rateLimits, now),
    remote: {
      resolve: options.resolveHost ?? systemResolver,
      // Loopback only where Companion's own setting is allowed (test mode); companion/settings.ts refuses it elsewhere.
      policy: { allowLoopback: config.companion.allowLocalUrls && testMode(options) },
      idleMs: config.companion.idleSeconds * 1000,
    },
    publicUrl: '',
  };

  let server: Server;
  let companion: CompanionHost | null = null;
  /** More sweeping on the timer, for what only some configurations have. */
  const housekeeping: (() => Promise<unknown>)[] = [];
  try {
    await sweep(ctx);
    await seedPresets(catalog.presets, credentials.cloud_name, config);
    await seedUsers(catalog.users, users);
    companion = companionHost(ctx, {
      env: options.env ?? process.env,
      testMode: options.testMode,
      resolveHost: options.resolveHost,
    });
    let direct: import('./s3/direct.js').DirectUploads | null = null;
    if (s3) {
      const { DirectUploads } = await import('./s3/direct.js');
      const uploads = new DirectUploads(ctx, s3, config.storage.s3);
      direct = uploads;
      housekeeping.push(() => uploads.sweep());
    }
    for (const task of housekeeping) await task();
    const app = createApp(ctx, { companion, direct, staticDir: config.server.staticDir });
    // Headers must come quickly; bodies may take as long as a large upload needs while bytes keep flowing.
    server = createGuardedServer(app);
    companion?.attach(server);
    await listen(server, config.server.port, config.server.host);
  } catch (error) {
    await catalog.close();
    throw error;
  }

  const { port } = server.address() as AddressInfo;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host}:${port}`;
  // A wildcard address is no place to fetch from; without a configured public URL, links point at this machine.
  const reachable = WILDCARD_HOSTS.has(config.server.host) ? `http://localhost:${port}` : url;
  ctx.publicUrl = (config.publicUrl ?? reachable).replace(/\/+$/, '');
  try {
    await companion?.start();
  } catch (error) {
    await closeServer(server);
    await catalog.close();
    throw error;
  }

  const timer = setInterval(() => {
    for (const task of [() => sweep(ctx), ...housekeeping])
      task().catch((error: unknown) => log(`signet-server: sweep failed: ${String(error)}`));
  }, sweepIntervalMs(ctx));
  timer.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    credentials,
    config,
    catalog,
    store: ctx.store,
    dataDir: paths.dataDir,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        companion?.close();
        await closeServer(server);
        await catalog.close();
        await ctx.store.close();
      })();
      return closing;
    },
  };
}

/**
 * Where chunk sessions live: in the catalogue and the bucket when instances share both (PostgreSQL and S3), so any
 * instance continues any session; else on this instance's disk, which is faster and all one instance needs.
 */
async function chunkSessions(
  config: ServerConfig,
  catalog: Catalog,
  s3: import('./stores/s3.js').S3Store | null,
  paths: ServerPaths,
  now: () => number,
): Promise<ChunkSessionStore> {
  const ttlSeconds = config.limits.chunkTtlSeconds;
  if (s3 && config.catalog.kind === 'postgres') {
    const { SharedChunkSessions } = await import('./pipeline/shared-sessions.js');
    return new SharedChunkSessions({
      catalog: catalog.chunkSessions,
      store: s3,
      tmpDir: paths.tmpDir,
      ttlSeconds,
      now,
    });
  }
  return new DiskChunkSessions(paths.chunksDir, ttlSeconds, now);
}

async function preparePaths(dataDir: string): Promise<ServerPaths> {
  const paths: ServerPaths = {
    dataDir,
    tmpDir: join(dataDir, 'tmp'),
    chunksDir: join(dataDir, 'tmp', 'chunks'),
    storeDir: join(dataDir, 'store'),
    catalogFile: join(dataDir, 'catalog.sqlite'),
    credentialsFile: join(dataDir, CREDENTIALS_FILE),
  };
  for (const dir of [paths.dataDir, paths.tmpDir, paths.chunksDir, paths.storeDir]) await makeDirectory(dir, 0o700);
  return paths;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    server.close(() => {
      clearTimeout(force);
      resolveClose();
    });
    server.closeIdleConnections();
  });
}

/** As routes/companion.ts decides it: NODE_ENV=test or the `testMode` option, never with NODE_ENV=production. */
function testMode(options: StartOptions): boolean {
  const env = options.env ?? process.env;
  const production = env.NODE_ENV === 'production' || process.env.NODE_ENV === 'production';
  return !production && (options.testMode === true || env.NODE_ENV === 'test');
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
