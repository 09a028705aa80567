/**
 * What every route receives: the resolved configuration, the account, the stores, and the few process-wide
 * services. Built once by `startServer`; routes never reach for globals.
 */
import type { IncomingMessage } from 'node:http';
import type { Catalog } from './catalog/catalog.js';
import type { AuthUser, ServerConfig } from './config.js';
import type { Credentials } from './credentials.js';
import type { RateLimiters } from './http/rate-limit.js';
import type { RemoteFetch } from './pipeline/remote-file.js';
import type { ChunkSessionStore } from './pipeline/sessions.js';
import type { Store } from './stores/store.js';

export interface ServerPaths {
  dataDir: string;
  tmpDir: string;
  chunksDir: string;
  storeDir: string;
  catalogFile: string;
  credentialsFile: string;
}

export interface ServerContext {
  readonly config: ServerConfig;
  readonly credentials: Credentials;
  readonly catalog: Catalog;
  readonly store: Store;
  readonly sessions: ChunkSessionStore;
  readonly paths: ServerPaths;
  /** Tokens the default authentication accepts (the demo token while `config.users` is empty). */
  readonly users: Readonly<Record<string, AuthUser>>;
  /** The token the static pages hand out as a cookie; null unless in demo mode. */
  readonly demoToken: string | null;
  readonly authenticate: (req: IncomingMessage) => Promise<AuthUser | null>;
  readonly log: (line: string) => void;
  /** Milliseconds since the epoch; injectable so tests can travel in time. */
  readonly now: () => number;
  /** Per-process rate limits (http/rate-limit.ts). */
  readonly limits: RateLimiters;
  /** How an upload's `file` URL is fetched: the remote-import guard's resolver, address policy and idle time. */
  readonly remote: RemoteFetch;
  /** Base of delivery URLs, without a trailing slash; known once the server listens. */
  publicUrl: string;
}

export function nowSeconds(ctx: Pick<ServerContext, 'now'>): number {
  return Math.floor(ctx.now() / 1000);
}
