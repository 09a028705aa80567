/**
 * `file` as text, Cloudinary's two other ways to give an upload its bytes: a data URI (decoded here) or an http(s)
 * URL the server fetches. Both land in the request's temp file and go on exactly like a file part (single.ts: the
 * parameters are authorised first, the content checks come after); only the fetching is new.
 *
 * A URL is fetched through the private-address guard of remote imports (companion/ssrf-guard.ts, connect-guard.ts):
 * the URL is checked before anything is opened, every connection (each redirect hop, a name that resolves
 * differently the second time) is checked again as it opens, the download is cut at the size limit whatever its
 * Content-Length says, and a connection that moves no byte for the idle time is closed.
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { UploadError } from 'signet-upload/protocol';
import { newGuardScope, runGuarded } from '../companion/connect-guard.js';
import { type AddressPolicy, checkRemoteUrl, type Resolver } from '../companion/ssrf-guard.js';
import { fileTooLarge } from './authorize.js';
import { type Written, writeTemp } from './temp.js';

/** How the server fetches a URL given as `file` (the same guard and idle time as remote imports). */
export interface RemoteFetch {
  resolve: Resolver;
  policy: AddressPolicy;
  idleMs: number;
}

/** What a text `file` became: its bytes in the temp file, a name and a declared type to check them against. */
export interface TextFile extends Written {
  filename: string;
  declaredType: string;
}

/** The kind of a text `file`; anything else (`s3://`, `ftp:`, a path) → 400 PARAM_INVALID. */
export function textFileKind(value: string): 'data' | 'url' {
  if (/^data:/i.test(value)) return 'data';
  if (/^https?:\/\//i.test(value)) return 'url';
  throw new UploadError(
    'PARAM_INVALID',
    'file must be a file, a data URI (data:…;base64,…) or an http(s) URL; other remote storage is not supported.',
  );
}

const DATA_URI = /^data:([\w.+-]+\/[\w.+-]+)?((?:;[\w.+-]+=[\w.+-]+)*)(;base64)?,(.*)$/is;

/** Decodes a data URI (base64 or percent-encoded) into `temp`; over `limit` bytes → 413 FILE_TOO_LARGE. */
export async function writeDataUri(value: string, temp: string, limit: number): Promise<TextFile> {
  const match = DATA_URI.exec(value);
  if (!match) throw new UploadError('PARAM_INVALID', 'file is not a valid data URI.');
  const [, type = '', , base64, payload = ''] = match;
  let data: Buffer;
  if (base64) {
    // Strict: Node's decoder would skip what is not base64 and store whatever remains.
    const compact = payload.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1)
      throw new UploadError('PARAM_INVALID', 'file is not valid base64 in its data URI.');
    data = Buffer.from(compact, 'base64');
  } else {
    try {
      data = Buffer.from(decodeURIComponent(payload), 'utf8');
    } catch {
      throw new UploadError('PARAM_INVALID', 'file is not a valid data URI.');
    }
  }
  if (data.length > limit) throw fileTooLarge(limit);
  const written = await writeTemp(Readable.from([data]), temp);
  // Cloudinary names a data URI's asset "file".
  return { ...written, filename: 'file', declaredType: type.toLowerCase() };
}

const MAX_REDIRECTS = 5;

/**
 * Fetches an http(s) URL into `temp`, at most `limit` bytes. Refusals: a URL or hop towards a private address →
 * 403 URL_FORBIDDEN; unreachable, a status other than 2xx, too many redirects, an idle connection → URL_UNREACHABLE;
 * more than `limit` bytes (announced or counted) → 413 FILE_TOO_LARGE, the download cut at that point.
 */
export async function fetchRemoteFile(
  settings: RemoteFetch,
  value: string,
  temp: string,
  limit: number,
): Promise<TextFile> {
  let url = await checkRemoteUrl(value, settings.resolve, settings.policy);
  for (let hop = 0; ; hop++) {
    const response = await open(settings, url);
    const location = response.headers.location;
    if (response.statusCode !== undefined && response.statusCode >= 300 && response.statusCode < 400 && location) {
      response.destroy();
      if (hop >= MAX_REDIRECTS) throw unreachable('it redirects too many times');
      const next = URL.parse(location, url.href);
      if (!next) throw unreachable('it redirects to an invalid URL');
      url = await checkRemoteUrl(next.href, settings.resolve, settings.policy);
      continue;
    }
    if (response.statusCode === undefined || response.statusCode < 200 || response.statusCode >= 300) {
      response.destroy();
      throw unreachable(`it answered ${response.statusCode ?? 'nothing'}`);
    }
    const announced = Number(response.headers['content-length']);
    if (Number.isSafeInteger(announced) && announced > limit) {
      response.destroy();
      throw fileTooLarge(limit);
    }
    const written = await writeTemp(Readable.from(capped(response, limit)), temp).catch((error: unknown) => {
      response.destroy();
      throw error instanceof UploadError ? error : unreachable('the download broke off', error);
    });
    const contentType = String(response.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase();
    return { ...written, filename: nameOf(url), declaredType: contentType ?? '' };
  }
}

/** One request, its connections guarded; the answer's headers, its body still to read. */
function open(settings: RemoteFetch, url: URL): Promise<http.IncomingMessage> {
  const scope = newGuardScope(settings.resolve, settings.policy, settings.idleMs);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    runGuarded(scope, () => {
      // A fresh agent per fetch: a pooled keep-alive socket opened outside the guard must never carry this request.
      const request = client.get(url, { agent: new client.Agent({ keepAlive: false }) }, resolve);
      request.setTimeout(settings.idleMs, () => request.destroy(unreachable('it sent nothing for too long')));
      request.once('error', (error) =>
        reject(scope.refusal ?? (error instanceof UploadError ? error : unreachable('it could not be reached', error))),
      );
    });
  });
}

/** Passes the body through until there are more than `limit` bytes, then fails with 413. */
async function* capped(body: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > limit) throw fileTooLarge(limit);
    yield chunk;
  }
}

function nameOf(url: URL): string {
  const last = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last) || url.hostname;
  } catch {
    return last || url.hostname;
  }
}

function unreachable(why: string, cause?: unknown): UploadError {
  return new UploadError('URL_UNREACHABLE', `The file's URL could not be fetched: ${why}.`, { cause });
}
