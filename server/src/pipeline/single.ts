/**
 * A whole file in one request: the parameters are authorised as soon as the file part begins (before its first byte
 * is stored), then the bytes stream into a temp file within the size limit, and the upload is finalized. `file` may
 * also come as text, a data URI or an http(s) URL (remote-file.ts): then the parameters are authorised once the form
 * is read, before the URI is decoded or the URL fetched.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { type UploadApiResponse, UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { authorizeUpload, fileTooLarge, type UploadAuthorization } from './authorize.js';
import { finalizeUpload, type UploadTarget } from './finalize.js';
import { clientAddress, readMultipart } from './multipart.js';
import { fetchRemoteFile, textFileKind, writeDataUri } from './remote-file.js';
import { ParamCollector, parseUploadRequest } from './request.js';
import { removeQuietly, tempPath, type Written, writeTemp } from './temp.js';

/**
 * The longest `file` sent as text (a data URI: about 6 MB of data). It is held in memory until the form is read and
 * its signature checked, so it stays small; larger files go as a file part (streamed) or a URL (fetched).
 */
export const MAX_TEXT_FILE = 8 * 1024 * 1024;

export async function ingestSingle(
  ctx: ServerContext,
  req: IncomingMessage,
  url: URL,
  target: UploadTarget,
): Promise<UploadApiResponse> {
  const collector = new ParamCollector();
  for (const [name, value] of url.searchParams) collector.add(name, value);
  const temp = tempPath(ctx.paths.tmpDir);
  let authorized: UploadAuthorization | undefined;
  let file: (Written & { filename: string; declaredType: string }) | undefined;
  let textFile: string | undefined;
  const twice = () => new UploadError('PARAM_DUPLICATE', 'The parameter "file" was sent more than once.');
  try {
    await readMultipart(req, {
      limits: {
        fields: ctx.config.limits.maxFields,
        fieldSize: ctx.config.limits.maxFieldSize,
        fileSize: ctx.config.limits.maxFileSize,
        fileField: MAX_TEXT_FILE,
      },
      fileTooLarge: () => fileTooLarge(ctx.config.limits.maxFileSize),
      onField: (name, value) => collector.add(name, value),
      onFileField: (value) => {
        if (textFile !== undefined) throw twice();
        textFile = value;
      },
      onFile: async (stream, info) => {
        if (textFile !== undefined) throw twice();
        collector.assertKnown();
        collector.assertFieldsFirst();
        // A body that says it is larger than the limit is refused here, before a byte of it is stored.
        const auth = await authorizeUpload(ctx, parseUploadRequest(collector.values()), {
          declaredSize: info.atLeast,
          address: clientAddress(req),
        });
        authorized = auth;
        const source = auth.limit < ctx.config.limits.maxFileSize ? Readable.from(capped(stream, auth.limit)) : stream;
        file = { ...(await writeTemp(source, temp)), filename: info.filename, declaredType: info.mimeType };
      },
    });
    collector.assertKnown();
    if (textFile !== undefined) return await ingestText(ctx, req, target, collector, textFile, temp);
    if (!authorized || !file) {
      // Nothing will be stored: the parameters are checked for their form only, and no signature is spent.
      parseUploadRequest(collector.values());
      throw new UploadError('FILE_MISSING', 'Missing required parameter - file.');
    }
    return await finalizeUpload(ctx, target, authorized, { tempFile: temp, ...file });
  } finally {
    await removeQuietly(temp);
  }
}

/** `file` as a data URI or a URL: authorised on the parameters, then decoded or fetched into `temp`. */
async function ingestText(
  ctx: ServerContext,
  req: IncomingMessage,
  target: UploadTarget,
  collector: ParamCollector,
  value: string,
  temp: string,
): Promise<UploadApiResponse> {
  const kind = textFileKind(value);
  const auth = await authorizeUpload(ctx, parseUploadRequest(collector.values()), { address: clientAddress(req) });
  const got =
    kind === 'data'
      ? await writeDataUri(value, temp, auth.limit)
      : // The remote's Content-Type is no claim of the uploader's: only the URL's file name is checked (declared.ts).
        { ...(await fetchRemoteFile(ctx.remote, value, temp, auth.limit)), declaredType: undefined };
  return finalizeUpload(ctx, target, auth, { tempFile: temp, ...got });
}

/** Passes bytes through until there are more than `limit`, then fails with 413. */
async function* capped(stream: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += chunk.length;
    if (bytes > limit) throw fileTooLarge(limit);
    yield chunk;
  }
}
