/**
 * Wire types of the Cloudinary Upload API as Signet speaks it, shared by the browser and the reference server.
 * Only types and pure functions live here: both sides import it.
 */

/** Parameters a page may ask its server to sign (the widget's options plus what it always adds). */
export const SIGNABLE_PARAMS = [
  'public_id',
  'folder',
  'asset_folder',
  'display_name',
  'tags',
  'context',
  'upload_preset',
  'use_filename',
  'unique_filename',
  'filename_override',
  'timestamp',
  'source',
] as const;
export type SignableParam = (typeof SIGNABLE_PARAMS)[number];

/** Parameters the upload endpoint understands besides the signable ones. */
export const SERVER_PARAMS = ['overwrite', 'api_key', 'signature', 'signature_algorithm', 'file', 'provider'] as const;

/**
 * Never part of the string to sign (Cloudinary's rule, plus our own `signature_algorithm`, plus `provider`: Uppy
 * Companion adds `provider=<name>` to every file it fetches from a provider such as Dropbox, whatever the page
 * signed; it is informational and nothing reads it).
 */
export const UNSIGNED_PARAMS: ReadonlySet<string> = new Set([
  'file',
  'cloud_name',
  'resource_type',
  'api_key',
  'signature',
  'signature_algorithm',
  'provider',
]);

export type ParamValue = string | number | boolean | readonly string[];
export type UploadParams = Readonly<Record<string, ParamValue | undefined>>;

export type SignatureAlgorithm = 'sha1' | 'sha256';

/** What a signing endpoint answers: the signature over exactly the parameters it was sent. */
export interface SignedParams {
  signature: string;
  /** Unix seconds; the widget sends this value, so a server may correct a client's clock here. */
  timestamp: number;
  api_key: string;
  signature_algorithm?: SignatureAlgorithm;
}

export type ResourceType = 'image' | 'video' | 'raw';

/** The JSON the upload endpoint answers with (Cloudinary's shape; fields we do not produce are absent). */
export interface UploadApiResponse {
  asset_id: string;
  public_id: string;
  version: number;
  version_id: string;
  signature: string;
  width?: number;
  height?: number;
  format: string;
  resource_type: ResourceType;
  created_at: string;
  tags: string[];
  context?: { custom: Record<string, string> };
  bytes: number;
  type: 'upload';
  etag: string;
  placeholder: false;
  url: string;
  secure_url: string;
  folder: string;
  asset_folder: string;
  display_name: string;
  original_filename: string;
  api_key: string;
  existing?: boolean;
  /** Present when a preset holds new assets for review (`moderation: 'manual'`). */
  moderation?: { kind: 'manual'; status: 'pending' | 'approved' | 'rejected' }[];
  /** Catalogue status (listings): `active`, or the moderation state. */
  status?: 'active' | 'pending' | 'approved' | 'rejected';
}

/** A byte range, both ends included (as in `Content-Range`). */
export interface ByteSpan {
  start: number;
  end: number;
}

/**
 * What a chunked upload already holds: the reference server's answer to a `GET` on the upload URL with the
 * session's `X-Unique-Upload-Id` and its signed parameters in the query (real Cloudinary has no such query).
 */
export interface ChunkStatus {
  upload_id: string;
  done: boolean;
  /** Bytes received from the start without a gap. */
  bytes: number;
  /** The file's size once a chunk declared it, else null. */
  total: number | null;
  /** Every range received, by offset; adjacent chunks are merged. */
  received: ByteSpan[];
  /** Ranges whose bytes are arriving now (a chunk in flight, perhaps one whose connection was cut). */
  arriving: ByteSpan[];
  /** The stored file's answer, once `done`. */
  response?: UploadApiResponse;
}

/** The error body on every endpoint: Cloudinary's `{error: {message}}` plus our stable `code`. */
export interface ApiErrorBody {
  error: { message: string; code: string };
}

/** Renders one value the way Cloudinary's SDKs do before signing: arrays comma-joined, the rest as text. */
export function paramToString(value: ParamValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/**
 * Cloudinary's string to sign: every parameter but the unsigned ones, blanks dropped, sorted by name, `k=v` joined
 * with `&`. Version 2 (the current SDKs' default) escapes `&` inside a pair as `%26`, so a value can never forge
 * another pair.
 */
export function stringToSign(params: UploadParams, version: 1 | 2 = 2): string {
  return Object.entries(params)
    .filter((entry): entry is [string, ParamValue] => !UNSIGNED_PARAMS.has(entry[0]) && entry[1] !== undefined)
    .map(([key, value]) => [key, paramToString(value)] as const)
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => {
      const pair = `${key}=${value}`;
      return version === 2 ? pair.replaceAll('&', '%26') : pair;
    })
    .join('&');
}
