import { isUploadErrorCode, UploadError } from '../errors.js';
import type { SignedParams, UploadParams } from '../protocol/params.js';
import { retryAfterSeconds } from './xhr.js';

/** Asks the page's server to sign exactly `params`; the widget never holds a secret. */
export type Signer = (params: UploadParams, signal?: AbortSignal) => Promise<SignedParams>;

/**
 * A signer that POSTs the parameters as JSON to the page's signing endpoint (same-origin credentials, so a
 * session cookie authenticates the person) and expects `{signature, timestamp, api_key}` back.
 */
export function signatureUrlSigner(url: string, messages: { SIGNING_FAILED: string }): Signer {
  return async (params, signal) => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(params),
        signal,
      });
    } catch (cause) {
      if (signal?.aborted) throw new UploadError('ABORTED', 'Signing was cancelled.', { cause });
      throw new UploadError('SIGNING_FAILED', messages.SIGNING_FAILED, { cause });
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok)
      throw errorFromBody(
        body,
        response.status,
        messages.SIGNING_FAILED,
        retryAfterSeconds(response.headers.get('Retry-After')),
      );
    return checkSigned(body, messages.SIGNING_FAILED);
  };
}

/** Validates what a signing endpoint or a page's `signUpload` function returned. */
export function checkSigned(value: unknown, message: string): SignedParams {
  const v = value as Partial<SignedParams> | null;
  if (
    !v ||
    typeof v.signature !== 'string' ||
    v.signature === '' ||
    typeof v.api_key !== 'string' ||
    !Number.isInteger(Number(v.timestamp))
  ) {
    throw new UploadError('SIGNING_FAILED', `${message} (the answer lacks signature, timestamp or api_key)`);
  }
  return {
    signature: v.signature,
    timestamp: Number(v.timestamp),
    api_key: v.api_key,
    ...(v.signature_algorithm ? { signature_algorithm: v.signature_algorithm } : {}),
  };
}

/** Reads `{error: {message, code}}` (Cloudinary's shape plus our code) into an UploadError. */
export function errorFromBody(body: unknown, status: number, fallback: string, retryAfter?: number): UploadError {
  const error = (body as { error?: { message?: unknown; code?: unknown } } | null)?.error;
  const message = typeof error?.message === 'string' && error.message !== '' ? error.message : fallback;
  const code = isUploadErrorCode(error?.code) ? error.code : codeForStatus(status);
  return new UploadError(code, message, { status, ...(retryAfter === undefined ? {} : { retryAfter }) });
}

// Real Cloudinary answers without our `code`; its status still says what kind of failure it was.
function codeForStatus(status: number): UploadError['code'] {
  switch (status) {
    case 401:
      return 'SIGNATURE_INVALID';
    case 404:
      return 'NOT_FOUND';
    case 408:
      return 'REQUEST_TIMEOUT';
    case 413:
      return 'FILE_TOO_LARGE';
    case 415:
      return 'TYPE_NOT_ALLOWED';
    case 420:
    case 429:
      return 'RATE_LIMITED';
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}

/**
 * The timestamp to sign: now. Identical parameters signed in the same second sign alike; the reference server
 * counts how often its signing endpoint issued a signature and allows that many uses (other servers do not count).
 */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
