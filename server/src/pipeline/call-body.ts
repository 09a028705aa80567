/**
 * The parameters of a call without a file (destroy, rename, tags, context, explicit, delete_by_token, the Admin API's
 * writes), from the query string and a body in any form the clients use: multipart (the Node SDK's uploader),
 * `application/x-www-form-urlencoded` (the Admin API, jQuery) or a JSON object. Bounded: a body over `MAX_CALL_BODY`
 * is refused without being read further.
 */
import type { IncomingMessage } from 'node:http';
import { UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { mediaType } from '../http/respond.js';
import { readMultipart } from './multipart.js';

/** Enough for 1,000 public IDs of the longest kind. */
export const MAX_CALL_BODY = 512 * 1024;
const MAX_LIST = 1000;

/** Anything that takes named text values (`CallParams`, a plain record). */
export interface ParamSink {
  add(name: string, value: string): void;
}

export async function readCallParams(
  ctx: Pick<ServerContext, 'config'>,
  req: IncomingMessage,
  url: URL,
  sink: ParamSink,
): Promise<void> {
  for (const [name, value] of url.searchParams) sink.add(name, value);
  const type = mediaType(req);
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return;
  if (type === 'multipart/form-data') {
    await readMultipart(req, {
      limits: {
        fields: ctx.config.limits.maxFields + MAX_LIST,
        fieldSize: ctx.config.limits.maxFieldSize,
        fileSize: 0,
      },
      fileTooLarge: () => new UploadError('PARAM_NOT_ALLOWED', 'This call takes no file.'),
      onField: (name, value) => sink.add(name, value),
      onFile: async (stream) => {
        stream.resume();
        throw new UploadError('PARAM_NOT_ALLOWED', 'This call takes no file.');
      },
    });
    return;
  }
  if (type === 'application/x-www-form-urlencoded') {
    for (const [name, value] of new URLSearchParams(await readText(req))) sink.add(name, value);
    return;
  }
  if (type === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(await readText(req));
    } catch {
      throw new UploadError('BAD_REQUEST', 'The request body is not valid JSON.');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new UploadError('BAD_REQUEST', 'The request body must be a JSON object.');
    for (const [name, value] of Object.entries(body)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === 'object' && item !== null)
          throw new UploadError('PARAM_INVALID', `${name.slice(0, 64)} must be text, a number or a boolean.`);
        if (item !== null) sink.add(Array.isArray(value) ? `${name}[]` : name, String(item));
      }
    }
    return;
  }
  throw new UploadError('BAD_REQUEST', 'Send the parameters as multipart/form-data, a form or a JSON object.');
}

async function readText(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isSafeInteger(declared) && declared > MAX_CALL_BODY) throw tooLarge();
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_CALL_BODY) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(): UploadError {
  return new UploadError('BAD_REQUEST', `The request body is larger than ${MAX_CALL_BODY} bytes.`);
}
