/**
 * A whole file in one request: the parameters are authorised as soon as the file part begins (before its first byte
 * is stored), then the bytes stream into a temp file within the size limit, and the upload is finalized.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { type UploadApiResponse, UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { authorizeUpload, fileTooLarge, type UploadAuthorization } from './authorize.js';
import { finalizeUpload, type UploadTarget } from './finalize.js';
import { clientAddress, readMultipart } from './multipart.js';
import { ParamCollector, parseUploadRequest } from './request.js';
import { removeQuietly, tempPath, type Written, writeTemp } from './temp.js';

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
  try {
    await readMultipart(req, {
      limits: {
        fields: ctx.config.limits.maxFields,
        fieldSize: ctx.config.limits.maxFieldSize,
        fileSize: ctx.config.limits.maxFileSize,
      },
      fileTooLarge: () => fileTooLarge(ctx.config.limits.maxFileSize),
      onField: (name, value) => collector.add(name, value),
      onFile: async (stream, info) => {
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

/** Passes bytes through until there are more than `limit`, then fails with 413. */
async function* capped(stream: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += chunk.length;
    if (bytes > limit) throw fileTooLarge(limit);
    yield chunk;
  }
}
