/**
 * Companion's settings, resolved from our configuration and checked before the server listens: the refusals here
 * are the ones an operator must see at start, not on the first import.
 */
import type { ServerConfig } from '../config.js';
import { type Resolver, systemResolver } from './ssrf-guard.js';

export interface CompanionConfig {
  /** Mount Companion at `/companion`: the Web URL source, and Dropbox when it has a key. */
  enabled: boolean;
  /**
   * Signs Companion's sessions and provider auth tokens; at least 32 characters. null = the one generated into
   * `credentials.json` — refused when NODE_ENV=production, where several processes or a restart must agree on it.
   */
  secret: string | null;
  /**
   * TEST ONLY. URL imports may reach loopback addresses (127.0.0.0/8, ::1), and Companion's own private-address
   * filter is off. The server refuses to start with it unless it runs in test mode (NODE_ENV=test or `testMode`).
   */
  allowLocalUrls: boolean;
  /** A Dropbox app's key and secret; null = no Dropbox source. Its redirect URI is `<publicUrl>/companion/dropbox/redirect`. */
  dropbox: { key: string; secret: string } | null;
  /** A remote download that moves no byte for this long is cut (its connection closed). */
  idleSeconds: number;
  /** Remote downloads one client address may have running at once; more → 429 RATE_LIMITED. */
  importsPerCaller: number;
}

export const DEFAULT_COMPANION_CONFIG = {
  enabled: true,
  secret: null,
  allowLocalUrls: false,
  dropbox: null,
  // Long enough for a slow origin's first byte; a client that never opens its progress socket frees the slot soon.
  idleSeconds: 30,
  importsPerCaller: 4,
} satisfies CompanionConfig;

export interface CompanionSettings {
  secret: string;
  allowLocalUrls: boolean;
  dropbox: { key: string; secret: string } | null;
  idleMs: number;
  importsPerCaller: number;
  /** Resolves host names for the SSRF guard (tests inject one). */
  resolve: Resolver;
}

export interface CompanionRuntime {
  /** NODE_ENV=test, or the `testMode` start option. */
  testMode: boolean;
  /** NODE_ENV=production. */
  production: boolean;
  /** The secret generated into credentials.json. */
  generatedSecret: string;
  resolve?: Resolver | undefined;
}

/** Checks the `companion` group against the environment; throws what an operator must fix. */
export function resolveCompanionSettings(
  config: ServerConfig['companion'],
  runtime: CompanionRuntime,
): CompanionSettings {
  if (typeof config.allowLocalUrls !== 'boolean')
    throw new Error('Config companion.allowLocalUrls must be true or false.');
  if (config.allowLocalUrls && !runtime.testMode)
    throw new Error(
      'Config companion.allowLocalUrls lets URL imports reach this machine and is for tests only: the server ' +
        'refuses it unless it runs in test mode (NODE_ENV=test).',
    );
  if (config.secret !== null && (typeof config.secret !== 'string' || config.secret.length < 32))
    throw new Error('Config companion.secret must be a string of at least 32 characters.');
  if (config.secret === null && runtime.production)
    throw new Error(
      'Config companion.secret is required when NODE_ENV=production (or SIGNET_COMPANION_SECRET; at least 32 ' +
        'characters), or set companion.enabled to false.',
    );
  for (const key of ['idleSeconds', 'importsPerCaller'] as const)
    if (!Number.isSafeInteger(config[key]) || config[key] < 1)
      throw new Error(`Config companion.${key} must be a whole number, at least 1.`);
  const { dropbox } = config;
  if (
    dropbox !== null &&
    (typeof dropbox !== 'object' ||
      typeof dropbox.key !== 'string' ||
      typeof dropbox.secret !== 'string' ||
      !dropbox.key ||
      !dropbox.secret)
  )
    throw new Error('Config companion.dropbox must be null or { "key": "…", "secret": "…" } of a Dropbox app.');
  return {
    secret: config.secret ?? runtime.generatedSecret,
    allowLocalUrls: config.allowLocalUrls,
    dropbox: dropbox ? { key: dropbox.key, secret: dropbox.secret } : null,
    idleMs: config.idleSeconds * 1000,
    importsPerCaller: config.importsPerCaller,
    resolve: runtime.resolve ?? systemResolver,
  };
}
