/**
 * The HTTP helpers every route shares. `sendError` is the only place that writes an error body.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ApiErrorBody } from 'signet-upload/protocol';
import { ERROR_STATUS, UploadError } from 'signet-upload/protocol';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

/**
 * Turns anything thrown into a response: an `UploadError` becomes its code's status with Cloudinary's error body
 * plus our code; anything else is logged and answered as a generic 500, so no internal detail leaks.
 */
export function sendError(res: ServerResponse, error: unknown, log: (line: string) => void): void {
  const known = error instanceof UploadError && ERROR_STATUS[error.code] > 0;
  if (!known)
    log(`signet-server: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (res.headersSent) {
    // Half a body already went out; the only honest signal left is a broken connection.
    res.destroy();
    return;
  }
  const code = known ? error.code : 'INTERNAL';
  const message = known ? error.message : 'Internal server error.';
  const body: ApiErrorBody = { error: { message, code } };
  // Headers set before the failure (CORS, Allow) stay; content headers are replaced by sendJson.
  for (const name of ['Content-Range', 'Content-Disposition', 'ETag', 'Last-Modified', 'Accept-Ranges'])
    res.removeHeader(name);
  sendJson(res, ERROR_STATUS[code], body);
}

/** Reads a small request body whole; over `maxBytes` → 400 BAD_REQUEST without reading further. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > maxBytes) {
      discardBody(req);
      reject(tooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData).off('end', onEnd);
      discardBody(req);
      reject(tooLarge(maxBytes));
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks, size));
    req.on('data', onData).on('end', onEnd).once('error', reject);
  });
}

function tooLarge(maxBytes: number): UploadError {
  return new UploadError('BAD_REQUEST', `The request body is larger than ${maxBytes} bytes.`);
}

/** The media type of a request without parameters, lower-cased ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Single-valued request header ('' when absent; the first when repeated). */
export function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Lets the rest of an unwanted request body flow to nowhere, so the connection can carry the answer. */
export function discardBody(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}
