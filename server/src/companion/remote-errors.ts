/**
 * Companion reports failures in its own shapes (a bare 500 "failed to fetch URL", a 400 "maxFileSize exceeded", a
 * serialized Node error on the progress socket). These turn them into our codes, so the widget can tell an
 * unreachable URL from a forbidden address or a file that is too large. Pure.
 */
import { ERROR_STATUS, isUploadErrorCode, UploadError, type UploadErrorCode } from 'signet-upload/protocol';

/** What a Companion URL endpoint answered. */
export interface CompanionAnswer {
  status: number;
  body: unknown;
}

/**
 * Our error for Companion's answer to `/url/meta` or `/url/get`, or null to let it through. `refusal` is what the
 * connect-time guard refused during the request, if anything.
 */
export function translateUrlAnswer(
  answer: CompanionAnswer,
  refusal: UploadError | null,
  maxFileSize: number,
): UploadError | null {
  const message = messageOf(answer.body);
  if (answer.status < 400) {
    const size = (answer.body as { size?: unknown } | null)?.size;
    if (typeof size === 'number' && size > maxFileSize) return tooLarge(maxFileSize);
    return null;
  }
  if (refusal) return refusal;
  if (message === 'maxFileSize exceeded') return tooLarge(maxFileSize);
  if (answer.status === 400)
    return new UploadError(
      'BAD_REQUEST',
      message && message !== 'Invalid request body' ? message : 'The URL is not valid.',
    );
  return new UploadError('URL_UNREACHABLE', 'The URL could not be fetched.');
}

function tooLarge(maxFileSize: number): UploadError {
  return new UploadError('FILE_TOO_LARGE', `The file is larger than ${maxFileSize} bytes.`);
}

/** The error Companion sends on the progress socket, reduced to `{name, message, code, status}` with our code. */
export interface RemoteFailure {
  name: 'RemoteUploadError';
  message: string;
  code: UploadErrorCode;
  /** The HTTP status of our upload endpoint's answer, when it answered. */
  status?: number;
}

const NETWORK_ERROR = /^(E[A-Z]+|ERR_[A-Z_]+)$/;

export function describeRemoteFailure(error: unknown): RemoteFailure {
  const value = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    isAuthError?: unknown;
    extraData?: { status?: unknown; responseText?: unknown };
  };
  const fail = (code: UploadErrorCode, message: string, status?: number): RemoteFailure => ({
    name: 'RemoteUploadError',
    message,
    code,
    ...(status === undefined ? {} : { status }),
  });
  // Our own upload endpoint refused the file Companion sent: its code and message are the ones to show.
  const response = value.extraData;
  if (response && typeof response.status === 'number') {
    const body = parseJson(response.responseText) as { error?: { code?: unknown; message?: unknown } } | null;
    const code = isUploadErrorCode(body?.error?.code) ? body.error.code : 'INTERNAL';
    const text = typeof body?.error?.message === 'string' ? body.error.message : 'The upload was refused.';
    return fail(code, text, response.status);
  }
  if (value.code === 'URL_FORBIDDEN') return fail('URL_FORBIDDEN', String(value.message));
  if (value.message === 'maxFileSize exceeded') return fail('FILE_TOO_LARGE', 'The file is larger than allowed.');
  if (value.isAuthError === true || value.name === 'AuthError')
    return fail('PROVIDER_AUTH_FAILED', 'The sign-in to the provider is no longer valid; sign in again.');
  if (
    (typeof value.code === 'string' && NETWORK_ERROR.test(value.code)) ||
    value.name === 'RequestError' ||
    value.name === 'HTTPError' ||
    value.name === 'TimeoutError' ||
    value.name === 'ProviderApiError'
  )
    return fail('URL_UNREACHABLE', 'The remote file could not be downloaded.');
  return fail('INTERNAL', 'The remote file could not be uploaded.');
}

export function statusOf(error: UploadError): number {
  return ERROR_STATUS[error.code] || 500;
}

function messageOf(body: unknown): string | undefined {
  const value = body as { message?: unknown; error?: unknown } | null;
  if (typeof value?.message === 'string') return value.message;
  if (typeof value?.error === 'string') return value.error;
  return undefined;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
