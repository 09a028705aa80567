/**
 * The one error type of Signet Upload, in the browser and on the reference server alike. Its `code` is one of a
 * closed set, so callers can branch on it; `message` is for people, `cause` keeps the underlying error.
 */
export const ERROR_CODES = [
  // signing and verification
  'SIGNATURE_INVALID',
  'SIGNATURE_EXPIRED',
  'SIGNATURE_REPLAYED',
  'PARAM_NOT_ALLOWED',
  'PARAM_DUPLICATE',
  'PARAM_INVALID',
  'UNAUTHENTICATED',
  'FORBIDDEN_FOLDER',
  'CSRF_FAILED',
  'HOST_NOT_ALLOWED',
  'RATE_LIMITED',
  // content and naming
  'FILE_TOO_LARGE',
  'FILE_MISSING',
  'TYPE_NOT_ALLOWED',
  'TYPE_MISMATCH',
  'PUBLIC_ID_INVALID',
  'FOLDER_INVALID',
  'TAG_INVALID',
  'CONTEXT_INVALID',
  'IMAGE_TOO_LARGE_PIXELS',
  'PDF_ENCRYPTED',
  'PDF_UNREADABLE',
  'URL_FORBIDDEN',
  // remote sources (Companion): the URL could not be fetched; the provider refused the sign-in
  'URL_UNREACHABLE',
  'PROVIDER_AUTH_FAILED',
  // transport and storage
  'CHUNK_INVALID',
  'CHUNK_FORBIDDEN',
  'UPLOAD_EXPIRED',
  'STORAGE_FULL',
  'REQUEST_TIMEOUT',
  'BAD_REQUEST',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'INTERNAL',
  // browser side only: what went wrong before or around the HTTP exchange
  'SIGNING_FAILED',
  'NETWORK_ERROR',
  'ABORTED',
  'RESTRICTED',
  'OPTIONS_LOCKED',
  'IMAGE_DIMENSIONS',
] as const;

export type UploadErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status for each code the server can answer with; browser-only codes map to 0. */
export const ERROR_STATUS = {
  SIGNATURE_INVALID: 401,
  SIGNATURE_EXPIRED: 401,
  SIGNATURE_REPLAYED: 409,
  PARAM_NOT_ALLOWED: 400,
  PARAM_DUPLICATE: 400,
  PARAM_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN_FOLDER: 403,
  CSRF_FAILED: 403,
  // 421 Misdirected Request: a Host this server does not serve (a DNS-rebinding page, a wrong virtual host).
  HOST_NOT_ALLOWED: 421,
  RATE_LIMITED: 429,
  FILE_TOO_LARGE: 413,
  FILE_MISSING: 400,
  TYPE_NOT_ALLOWED: 415,
  TYPE_MISMATCH: 415,
  PUBLIC_ID_INVALID: 400,
  FOLDER_INVALID: 400,
  TAG_INVALID: 400,
  CONTEXT_INVALID: 400,
  IMAGE_TOO_LARGE_PIXELS: 422,
  PDF_ENCRYPTED: 422,
  PDF_UNREADABLE: 422,
  URL_FORBIDDEN: 403,
  // 424 Failed Dependency, as Companion answers provider failures: a 4xx, so Uppy's client does not retry it.
  URL_UNREACHABLE: 424,
  PROVIDER_AUTH_FAILED: 401,
  CHUNK_INVALID: 400,
  CHUNK_FORBIDDEN: 403,
  UPLOAD_EXPIRED: 410,
  STORAGE_FULL: 507,
  REQUEST_TIMEOUT: 408,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INTERNAL: 500,
  SIGNING_FAILED: 0,
  NETWORK_ERROR: 0,
  ABORTED: 0,
  RESTRICTED: 0,
  OPTIONS_LOCKED: 0,
  IMAGE_DIMENSIONS: 0,
} as const satisfies Record<UploadErrorCode, number>;

export function isUploadErrorCode(value: unknown): value is UploadErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly code: UploadErrorCode;
  /** HTTP status the server answered with (or would answer with); 0 when no response was involved. */
  readonly status: number;
  /** Seconds to wait before trying again (`Retry-After`), when the answer said. */
  readonly retryAfter: number | undefined;

  constructor(
    code: UploadErrorCode,
    message: string,
    options: { cause?: unknown; status?: number; retryAfter?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code];
    this.retryAfter = options.retryAfter;
  }
}

/**
 * The codes a retry can cure: the network, a busy or failing server, an aged or colliding signature, a lost chunk
 * session. Every other code is a refusal that the same file under the same options meets again (its type, size or
 * name, a permission, a forged or malformed request), so the widget offers no Retry for it. A new code is final until
 * it is listed here.
 */
const RETRYABLE: ReadonlySet<UploadErrorCode> = new Set<UploadErrorCode>([
  'SIGNATURE_EXPIRED',
  'SIGNATURE_REPLAYED',
  'RATE_LIMITED',
  'URL_UNREACHABLE',
  'CHUNK_INVALID',
  'UPLOAD_EXPIRED',
  'STORAGE_FULL',
  'REQUEST_TIMEOUT',
  'INTERNAL',
  'SIGNING_FAILED',
  'NETWORK_ERROR',
  'ABORTED',
]);

/** Whether sending the same file again can succeed (Retry is offered only then). */
export function isRetryable(code: UploadErrorCode): boolean {
  return RETRYABLE.has(code);
}
