/**
 * Server configuration: one grouped defaults object, then a JSON config file, then environment variables, then
 * explicit options, each layer deep-merged over the previous one.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ConfigUser, checkConfigUsers } from './auth/users.js';
import { type CompanionConfig, DEFAULT_COMPANION_CONFIG } from './companion/settings.js';
import { type PresetDefinition, parsePreset } from './presets/definition.js';

export interface AuthUser {
  id: string;
  role: 'admin' | 'contributor';
  /**
   * How the caller was identified: `token` for a header a browser never sends on its own (a bearer token), which
   * needs no CSRF check; `ambient` (the default for an `authenticate` hook) for a cookie or anything a browser may
   * attach to another site's request, held to the same-origin check on requests that change something.
   */
  credential?: 'token' | 'ambient';
}

export interface ServerConfig {
  server: {
    host: string;
    port: number;
    /** Where credentials, the catalogue, stored objects and temp files live; created on first start. */
    dataDir: string;
    /** When set, GET serves files from this folder at `/` (the demo page). */
    staticDir: string | null;
    /**
     * Host names (the Host header, without port) this server answers for; anything else is 421 HOST_NOT_ALLOWED
     * before any route, so a page on another name that resolves here (DNS rebinding) reaches nothing. null = the
     * loopback names, the listening address and the public URL's host; `["*"]` answers every name (behind a proxy
     * that checks them).
     */
    allowedHosts: string[] | null;
    /** Express's `trust proxy`: whose X-Forwarded-For decides the client address (rate limits); false = none. */
    trustProxy: boolean | number | string;
  };
  /** Base of delivery URLs and the `upload_url` the demo reads; null = the listening URL. */
  publicUrl: string | null;
  signing: {
    /** How long a signature stays valid after its `timestamp` (Cloudinary: one hour). */
    windowSeconds: number;
    /** Tolerated clock skew for timestamps in the future. */
    futureSkewSeconds: number;
    /**
     * Signatures the signing endpoint issued may be used as often as it issued them (true, the default); `"strict"`
     * also limits signatures made with the API secret (the official SDKs) to one use, which Cloudinary does not;
     * false counts nothing. See pipeline/authorize.ts.
     */
    replayProtection: boolean | 'strict';
  };
  limits: {
    maxFileSize: number;
    maxFields: number;
    maxFieldSize: number;
    /** A chunked upload idle for longer than this is expired and swept. */
    chunkTtlSeconds: number;
    /** Every chunk of a chunked upload but the last is at least this long (Cloudinary: 5 MB). */
    minChunkSize: number;
    /** JSON bodies of the signing endpoint. */
    maxJsonBody: number;
  };
  /**
   * Bearer/cookie tokens of the signing endpoint and the library, each with its user: `{id, role, grants?}`, grants
   * being `[{folder, access: "can_contribute" | "can_view"}]` (see auth/). Written into the catalogue on every
   * start (role, and grants when listed), where the admin API manages them. Empty = demo mode: the generated
   * `demo_token` is an admin.
   */
  users: Record<string, ConfigUser>;
  cors: {
    /** Origins whose pages may call the signing endpoint with cookies; echoed with credentials. */
    origins: string[];
  };
  /** Explicit credentials; whatever is missing comes from `<dataDir>/credentials.json` (generated once). */
  credentials: { cloud_name?: string; api_key?: string; api_secret?: string };
  /**
   * Upload presets by name (see presets/definition.ts). Written into the catalogue on every start, so for a name
   * defined here the config file wins over changes made through the admin API; other presets live in the catalogue.
   */
  presets: Record<string, PresetDefinition>;
  /** The preset applied to every upload (under an explicit `upload_preset`); null = none. */
  defaultPreset: string | null;
  assets: {
    /** On overwrite, keep the old tags and context unless the upload sends new ones (default: cleared). */
    retainOnOverwrite: boolean;
    /** Deliver assets waiting for moderation (Cloudinary does); rejected assets are never delivered. */
    deliverPending: boolean;
    /**
     * Callers without a user may list delivered assets and their folders (`GET /api/assets`, `/api/folders`).
     * null = only in demo mode (no `users`), where the demo page hands every visitor the admin cookie anyway.
     */
    publicListing: boolean | null;
  };
  /** Where asset bytes live: `<dataDir>/store` (disk) or a bucket (s3; see stores/s3.ts). */
  storage: {
    kind: 'disk' | 's3';
    s3: {
      /** e.g. `http://127.0.0.1:7480`; null = AWS S3 in `region`. */
      endpoint: string | null;
      /** What browsers reach for presigned URLs when it is not `endpoint` (a proxy, another host name); null = same. */
      publicEndpoint: string | null;
      region: string;
      bucket: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
      /** Prepended to every object key, e.g. `signet/`. */
      prefix: string;
      /** Lifetime of each presigned URL of a direct upload. */
      presignExpirySeconds: number;
      /** How long a direct upload may take from `POST /api/s3/start` to `POST /api/s3/complete`. */
      uploadTtlSeconds: number;
      /** Part size of multipart uploads, direct and server-side (at least 5 MiB, S3's minimum). */
      partSize: number;
      /** Files the server stores (Upload API) go up in parts above this size. */
      multipartThreshold: number;
    };
  };
  /** Asset records, presets and used signatures: `<dataDir>/catalog.sqlite`, or PostgreSQL shared by instances. */
  catalog: {
    kind: 'sqlite' | 'postgres';
    /** `postgres://user:password@host:port/database` when kind is postgres. */
    url: string | null;
    /** PostgreSQL schema of the tables (created when missing); null = the connection's search_path. */
    schema: string | null;
  };
  /** Remote sources (Web URL, Dropbox) through Uppy Companion at `/companion`; see companion/settings.ts. */
  companion: CompanionConfig;
  /**
   * Token buckets (a burst, then a steady rate per minute); null turns one off. Over a limit → 429 RATE_LIMITED with
   * Retry-After. Kept per server process.
   */
  rateLimits: {
    /** `POST /api/sign`, per signed-in user and per client address. */
    sign: { perUser: RateLimit | null; perAddress: RateLimit | null };
    /** Uploads without a signature (through an unsigned preset), per client address. */
    unsignedUploads: { perAddress: RateLimit | null };
  };
  /** What uploaded bytes may be (see validate/pipeline.ts); presets may say more. */
  content: {
    /** Largest image, width × height as its header states it; larger → 422 IMAGE_TOO_LARGE_PIXELS. */
    maxImagePixels: number;
    /**
     * Active content (HTML, SVG, XML, scripts, executables): 'refuse' (415 TYPE_NOT_ALLOWED) unless a preset says
     * `allow_active_content: true`, or 'attachment': accepted as raw files, delivered only as downloads.
     */
    activeContent: 'refuse' | 'attachment';
  };
}

export interface RateLimit {
  burst: number;
  perMinute: number;
}

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

export const DEFAULT_CONFIG = {
  server: { host: '127.0.0.1', port: 8787, dataDir: './.data', staticDir: null, allowedHosts: null, trustProxy: false },
  publicUrl: null,
  signing: { windowSeconds: 3600, futureSkewSeconds: 60, replayProtection: true },
  limits: {
    maxFileSize: 2 * GiB,
    maxFields: 64,
    maxFieldSize: 64 * 1024,
    chunkTtlSeconds: 3600,
    minChunkSize: 5_000_000,
    maxJsonBody: 16 * 1024,
  },
  users: {},
  cors: { origins: [] },
  credentials: {},
  presets: {},
  defaultPreset: null,
  assets: { retainOnOverwrite: false, deliverPending: true, publicListing: null },
  storage: {
    kind: 'disk',
    s3: {
      endpoint: null,
      publicEndpoint: null,
      region: 'us-east-1',
      bucket: '',
      accessKeyId: '',
      secretAccessKey: '',
      forcePathStyle: true,
      prefix: '',
      // Short: a leaked URL is good for one request shape on one key, and only for minutes.
      presignExpirySeconds: 300,
      uploadTtlSeconds: 6 * 3600,
      partSize: 8 * MiB,
      multipartThreshold: 64 * MiB,
    },
  },
  catalog: { kind: 'sqlite', url: null, schema: null },
  companion: DEFAULT_COMPANION_CONFIG,
  // A person uploading a large batch signs a file at a time (10 per second at most, sustained); a script does more.
  rateLimits: {
    sign: { perUser: { burst: 200, perMinute: 600 }, perAddress: { burst: 400, perMinute: 1200 } },
    unsignedUploads: { perAddress: { burst: 50, perMinute: 120 } },
  },
  // 100 Mpx: above any camera's output (a 61 Mpx full-frame sensor), far below a flood (50,000² is 2,500 Mpx).
  content: { maxImagePixels: 100_000_000, activeContent: 'refuse' },
} satisfies ServerConfig;

export const ENV_VARS = {
  host: 'SIGNET_HOST',
  port: 'SIGNET_PORT',
  dataDir: 'SIGNET_DATA_DIR',
  config: 'SIGNET_CONFIG',
  /** Setting a bucket switches storage to s3; secrets belong here rather than in a config file. */
  s3Bucket: 'SIGNET_S3_BUCKET',
  s3Endpoint: 'SIGNET_S3_ENDPOINT',
  s3Region: 'SIGNET_S3_REGION',
  s3AccessKeyId: 'SIGNET_S3_ACCESS_KEY_ID',
  s3SecretAccessKey: 'SIGNET_S3_SECRET_ACCESS_KEY',
  /** A postgres:// URL switches the catalogue to PostgreSQL. */
  catalogUrl: 'SIGNET_CATALOG_URL',
  /** Companion's fixed secret, and a Dropbox app's key and secret (see companion/settings.ts). */
  companionSecret: 'SIGNET_COMPANION_SECRET',
  dropboxKey: 'SIGNET_DROPBOX_KEY',
  dropboxSecret: 'SIGNET_DROPBOX_SECRET',
} as const;

export interface ConfigSources {
  configFile?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  overrides?: DeepPartial<ServerConfig> | undefined;
}

/** Resolves the configuration: defaults < config file < env < overrides. Throws on an unreadable file or bad value. */
export function loadConfig(sources: ConfigSources = {}): ServerConfig {
  const env = sources.env ?? {};
  const file = sources.configFile ?? env[ENV_VARS.config];
  const layers: DeepPartial<ServerConfig>[] = [];
  if (file) layers.push(readConfigFile(file));
  layers.push(configFromEnv(env));
  if (sources.overrides) layers.push(sources.overrides);
  const defaults: ServerConfig = structuredClone(DEFAULT_CONFIG);
  const config = layers.reduce<ServerConfig>((acc, layer) => merge<ServerConfig>(acc, layer), defaults);
  return validate(config);
}

function readConfigFile(file: string): DeepPartial<ServerConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (cause) {
    throw new Error(`Cannot read the config file ${file}: ${(cause as Error).message}`, { cause });
  }
  if (!isPlainObject(parsed)) throw new Error(`The config file ${file} must hold a JSON object.`);
  return parsed as DeepPartial<ServerConfig>;
}

function configFromEnv(env: Readonly<Record<string, string | undefined>>): DeepPartial<ServerConfig> {
  const server: DeepPartial<ServerConfig['server']> = {};
  const host = env[ENV_VARS.host];
  const port = env[ENV_VARS.port];
  const dataDir = env[ENV_VARS.dataDir];
  if (host) server.host = host;
  if (port) server.port = parsePort(port, ENV_VARS.port);
  if (dataDir) server.dataDir = dataDir;
  const layer: DeepPartial<ServerConfig> = { server };
  const s3 = Object.fromEntries(
    (
      [
        ['bucket', env[ENV_VARS.s3Bucket]],
        ['endpoint', env[ENV_VARS.s3Endpoint]],
        ['region', env[ENV_VARS.s3Region]],
        ['accessKeyId', env[ENV_VARS.s3AccessKeyId]],
        ['secretAccessKey', env[ENV_VARS.s3SecretAccessKey]],
      ] as const
    ).filter(([, value]) => value),
  );
  if (Object.keys(s3).length > 0) layer.storage = { ...(s3.bucket ? { kind: 's3' } : {}), s3 };
  const catalogUrl = env[ENV_VARS.catalogUrl];
  if (catalogUrl) layer.catalog = { kind: 'postgres', url: catalogUrl };
  const companionSecret = env[ENV_VARS.companionSecret];
  const dropboxKey = env[ENV_VARS.dropboxKey];
  const dropboxSecret = env[ENV_VARS.dropboxSecret];
  if (companionSecret || (dropboxKey && dropboxSecret))
    layer.companion = {
      ...(companionSecret ? { secret: companionSecret } : {}),
      ...(dropboxKey && dropboxSecret ? { dropbox: { key: dropboxKey, secret: dropboxSecret } } : {}),
    };
  return layer;
}

export function parsePort(value: string, what: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new Error(`${what} must be a port number, got "${value}".`);
  return Number(value);
}

function validate(config: ServerConfig): ServerConfig {
  const integers: [name: string, value: number, min: number][] = [
    ['signing.windowSeconds', config.signing.windowSeconds, 1],
    ['signing.futureSkewSeconds', config.signing.futureSkewSeconds, 0],
    ['limits.maxFileSize', config.limits.maxFileSize, 0],
    ['limits.maxFields', config.limits.maxFields, 1],
    ['limits.maxFieldSize', config.limits.maxFieldSize, 1],
    ['limits.chunkTtlSeconds', config.limits.chunkTtlSeconds, 1],
    ['limits.minChunkSize', config.limits.minChunkSize, 1],
    ['limits.maxJsonBody', config.limits.maxJsonBody, 1],
  ];
  for (const [name, value, min] of integers) {
    if (!Number.isSafeInteger(value) || value < min) throw new Error(`Config ${name} must be an integer ≥ ${min}.`);
  }
  if (!Number.isInteger(config.server.port) || config.server.port < 0 || config.server.port > 65535)
    throw new Error('Config server.port must be a port number.');
  if (!Array.isArray(config.cors.origins)) throw new Error('Config cors.origins must be a list of origins.');
  if (![true, false, 'strict'].includes(config.signing.replayProtection))
    throw new Error('Config signing.replayProtection must be true, false or "strict".');
  validateRateLimits(config);
  if (config.server.allowedHosts !== null && !Array.isArray(config.server.allowedHosts))
    throw new Error('Config server.allowedHosts must be a list of host names, or null.');
  validatePresets(config);
  validateBackends(config);
  validateContentPolicy(config);
  checkConfigUsers(config.users);
  if (config.assets.publicListing !== null && typeof config.assets.publicListing !== 'boolean')
    throw new Error('Config assets.publicListing must be true, false or null.');
  return config;
}

function validatePresets(config: ServerConfig): void {
  if (!isPlainObject(config.presets)) throw new Error('Config presets must be an object of presets by name.');
  for (const [name, definition] of Object.entries(config.presets)) {
    try {
      parsePreset(definition, name);
    } catch (error) {
      throw new Error(`Config presets: ${(error as Error).message}`, { cause: error });
    }
  }
  if (config.defaultPreset !== null && typeof config.defaultPreset !== 'string')
    throw new Error('Config defaultPreset must be a preset name or null.');
  for (const key of ['retainOnOverwrite', 'deliverPending'] as const) {
    if (typeof config.assets[key] !== 'boolean') throw new Error(`Config assets.${key} must be true or false.`);
  }
}

function validateRateLimits({ rateLimits }: ServerConfig): void {
  // A group set to null replaced the defaults' object (a TypeError at start before); say what to write instead.
  if (!isPlainObject(rateLimits)) throw new Error('Config rateLimits must be an object ({sign, unsignedUploads}).');
  for (const group of ['sign', 'unsignedUploads'] as const)
    if (!isPlainObject(rateLimits[group]))
      throw new Error(
        `Config rateLimits.${group} must be an object; to turn a limit off, set the limit itself to null (rateLimits.${group}.perAddress: null).`,
      );
  const limits = [
    ['sign.perUser', rateLimits.sign.perUser],
    ['sign.perAddress', rateLimits.sign.perAddress],
    ['unsignedUploads.perAddress', rateLimits.unsignedUploads.perAddress],
  ] as const;
  for (const [name, limit] of limits) {
    if (limit === null) continue;
    if (
      !Number.isSafeInteger(limit.burst) ||
      limit.burst < 1 ||
      !Number.isSafeInteger(limit.perMinute) ||
      limit.perMinute < 1
    )
      throw new Error(`Config rateLimits.${name} must be null or {burst, perMinute}, whole numbers of at least 1.`);
  }
}

function validateContentPolicy({ content }: ServerConfig): void {
  if (!Number.isSafeInteger(content.maxImagePixels) || content.maxImagePixels < 1)
    throw new Error('Config content.maxImagePixels must be a whole number of pixels, at least 1.');
  if (content.activeContent !== 'refuse' && content.activeContent !== 'attachment')
    throw new Error('Config content.activeContent must be "refuse" or "attachment".');
}

function validateBackends({ storage, catalog }: ServerConfig): void {
  if (storage.kind !== 'disk' && storage.kind !== 's3') throw new Error('Config storage.kind must be "disk" or "s3".');
  if (storage.kind === 's3') {
    const s3 = storage.s3;
    for (const key of ['bucket', 'accessKeyId', 'secretAccessKey', 'region'] as const)
      if (typeof s3[key] !== 'string' || s3[key] === '') throw new Error(`Config storage.s3.${key} is required.`);
    for (const [key, min, max] of [
      ['presignExpirySeconds', 1, 604_800],
      ['uploadTtlSeconds', 60, 7 * 86_400],
      ['partSize', 5 * MiB, 5 * GiB],
      ['multipartThreshold', 5 * MiB, 5 * GiB],
    ] as const) {
      const value = s3[key];
      if (!Number.isSafeInteger(value) || value < min || value > max)
        throw new Error(`Config storage.s3.${key} must be an integer from ${min} to ${max}.`);
    }
  }
  if (catalog.kind !== 'sqlite' && catalog.kind !== 'postgres')
    throw new Error('Config catalog.kind must be "sqlite" or "postgres".');
  if (catalog.kind === 'postgres' && !catalog.url) throw new Error('Config catalog.url is required for postgres.');
}

/** Deep merge of plain objects; arrays and scalars replace; `undefined` leaves the base value. */
function merge<T>(base: T, layer: DeepPartial<T> | undefined): T {
  if (!isPlainObject(base) || !isPlainObject(layer)) return (layer === undefined ? base : layer) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    out[key] = merge(out[key], value as DeepPartial<unknown>);
  }
  return out as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
