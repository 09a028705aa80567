/**
 * The one place that turns an error into a response. An `UploadError` becomes its code's status with Cloudinary's
 * body plus our code; anything else is logged and answered as a generic 500, so no internal detail leaks.
 *
 * On the Cloudinary-protocol routes (marked by `cloudinaryStatuses`) the status is one the official SDKs read —
 * they show a body only for 400, 401, 403, 404, 420, 429 and 500 and report anything else as an "unexpected status
 * code" — while the precise reason stays in `error.code`.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { type ApiErrorBody, ERROR_STATUS, UploadError, type UploadErrorCode } from 'signet-upload/protocol';
import { describeStorageFull, storageFull } from '../storage-errors.js';
import { finishUnreadBody } from './drain.js';
import { sendJson } from './respond.js';

const SDK_READABLE: ReadonlySet<number> = new Set([400, 401, 403, 404, 420, 429, 500]);

/** The status the official SDKs read for a code: its own when they read it, else 404/500/400 by kind. */
export function sdkStatus(code: UploadErrorCode): number {
  const status = ERROR_STATUS[code];
  if (SDK_READABLE.has(status)) return status;
  if (status === 405) return 404;
  return status >= 500 ? 500 : 400;
}

/** Marks the routes below it as Cloudinary's protocol, for the error renderer. */
export const cloudinaryStatuses: RequestHandler = (_req, res, next) => {
  res.locals.cloudinaryStatuses = true;
  next();
};

export function renderError(log: (line: string) => void): ErrorRequestHandler {
  return (thrown: unknown, req, res, _next) => {
    const known = toUploadError(thrown);
    if (!known)
      log(
        `signet-server: internal error: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`,
      );
    else if (known.code === 'STORAGE_FULL') log(`signet-server: out of storage space: ${describeStorageFull(known)}`);
    finishUnreadBody(req);
    if (res.headersSent) {
      // Half a body already went out; the only honest signal left is a broken connection.
      res.destroy();
      return;
    }
    const error = known ?? new UploadError('INTERNAL', 'Internal server error.');
    const body = errorBody(error, res.locals.uppyErrorBody === true);
    if (known?.retryAfter !== undefined) res.setHeader('Retry-After', String(known.retryAfter));
    // Headers set before the failure (CORS, Allow) stay; content headers are replaced.
    for (const name of ['Content-Range', 'Content-Disposition', 'ETag', 'Last-Modified', 'Accept-Ranges'])
      res.removeHeader(name);
    sendJson(res, statusFor(res, error.code), body);
  };
}

/**
 * `{error: {message, code}}`, Cloudinary's shape plus our code. `forUppy` (Companion's `/url/meta`, marked by
 * `res.locals.uppyErrorBody`) repeats `message` and `code` at the top, where Uppy's Companion client reads them.
 */
export function errorBody(error: UploadError, forUppy = false): ApiErrorBody & { message?: string; code?: string } {
  const inner = { message: error.message, code: error.code };
  return forUppy ? { error: inner, ...inner } : { error: inner };
}

function statusFor(res: Response, code: UploadErrorCode): number {
  return res.locals.cloudinaryStatuses ? sdkStatus(code) : ERROR_STATUS[code];
}

function toUploadError(error: unknown): UploadError | null {
  if (error instanceof UploadError) return ERROR_STATUS[error.code] > 0 ? error : null;
  const full = storageFull(error);
  if (full) return full;
  // body-parser's errors (express.json): malformed or oversized JSON is the client's mistake, not ours.
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return new UploadError('BAD_REQUEST', 'The request body is not valid JSON.');
  if (type === 'entity.too.large') return new UploadError('BAD_REQUEST', 'The request body is too large.');
  // The router could not decode a percent-escape in the path: no resource can have such a name.
  if (error instanceof URIError) return new UploadError('NOT_FOUND', 'Not found.');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported')
    return new UploadError('BAD_REQUEST', 'The request body must be UTF-8 JSON.');
  return null;
}

/** The last handler: nothing matched. */
export const notFound: RequestHandler = (_req, _res, next) => next(new UploadError('NOT_FOUND', 'Not found.'));

/** For a route that matched its path but not the method. */
export function methodNotAllowed(methods: readonly string[]): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Allow', methods.join(', '));
    next(new UploadError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here.`));
  };
}
