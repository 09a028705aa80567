/**
 * What the upload server says about itself (the reference server's public `GET /api/config`): its cloud name and API
 * key, the sources it can serve right now and the largest file it takes. Real Cloudinary has no such endpoint, so it is never asked; any
 * other server that does not answer leaves the element on its own attributes.
 */

export interface ServerInfo {
  /** The server's cloud name and public API key, for an element that names neither ('' when it did not say). */
  cloudName: string;
  apiKey: string;
  /** Sources the server can serve (`local`, `url`, `dropbox`), or null when it did not say. */
  sources: readonly string[] | null;
  /** Largest file, in bytes, or null when it did not say. */
  maxFileSize: number | null;
}

// A server that hangs must not keep the drop zone away for long.
const TIMEOUT_MS = 4000;
const cache = new Map<string, Promise<ServerInfo | null>>();

/** Asked once per server and page; resolves with null when there is nothing to learn. */
export function loadServerInfo(uploadUrl: string): Promise<ServerInfo | null> {
  const url = configUrl(uploadUrl);
  if (!url) return Promise.resolve(null);
  let info = cache.get(url);
  if (!info) {
    info = fetchInfo(url);
    cache.set(url, info);
  }
  return info;
}

/** `<upload-url>/api/config`, or null for Cloudinary's own hosts (they have no such endpoint). */
export function configUrl(uploadUrl: string): string | null {
  let base: URL;
  try {
    base = new URL(uploadUrl, globalThis.location?.href);
  } catch {
    return null;
  }
  if (base.hostname === 'cloudinary.com' || base.hostname.endsWith('.cloudinary.com')) return null;
  return new URL('api/config', base.href.endsWith('/') ? base.href : `${base.href}/`).href;
}

async function fetchInfo(url: string): Promise<ServerInfo | null> {
  try {
    const response = await fetch(url, {
      credentials: 'omit',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) return null;
    return parseInfo(await response.json());
  } catch {
    return null;
  }
}

export function parseInfo(body: unknown): ServerInfo {
  const value = (body ?? {}) as {
    cloud_name?: unknown;
    api_key?: unknown;
    sources?: unknown;
    limits?: { max_file_size?: unknown };
  };
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const sources = Array.isArray(value.sources) ? value.sources.filter((s) => typeof s === 'string') : null;
  const size = value.limits?.max_file_size;
  return {
    cloudName: text(value.cloud_name),
    apiKey: text(value.api_key),
    sources,
    maxFileSize: typeof size === 'number' && size > 0 ? size : null,
  };
}

/**
 * The sources the element offers: those its `sources` attribute names, in that order, that the server can serve
 * (the device's own, `local` and `camera`, always).
 */
export function offeredSources(requested: readonly string[], served: readonly string[] | null): string[] {
  return served ? requested.filter((source) => DEVICE_SOURCES.has(source) || served.includes(source)) : [...requested];
}

/** Sources on the person's device: offered whatever the server serves (it only fetches remote files). */
const DEVICE_SOURCES: ReadonlySet<string> = new Set(['local', 'camera']);
