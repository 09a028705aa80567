/**
 * An answer given before the request body was read (a refusal decided on the headers or the parameters): the rest of
 * the body is never stored, and never read without bound. At most `maxBytes` (or `maxMs`) of it flow to nowhere, so
 * a client still sending can read the answer; past that the connection is cut.
 *
 * No `Connection: close` here: with it, Node destroys the socket as soon as the answer is written, and a client still
 * writing its body (the Cloudinary SDK on a loaded machine) gets ECONNRESET instead of the answer (a flaky 401 test).
 * Without it, the body drains and the connection can carry the next request.
 */
import type { IncomingMessage } from 'node:http';

const MiB = 1024 * 1024;

// Enough for a client that is still sending (loopback socket buffers alone hold about 16 MiB) to read the answer;
// none of it is stored, so the bound is about bandwidth and time, not disk.
export function finishUnreadBody(req: IncomingMessage, maxBytes = 64 * MiB, maxMs = 30_000): void {
  if (req.complete || req.readableEnded || req.destroyed) return;
  let seen = 0;
  const close = (): void => {
    clearTimeout(timer);
    req.socket.destroy();
  };
  const timer = setTimeout(close, maxMs);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) close();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}
