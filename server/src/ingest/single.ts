/**
 * A whole file in one request: parameters and bytes in, temp file on disk, verified, then finalized.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { ResourceType, UploadApiResponse } from 'signet-upload/protocol';
import { UploadError } from 'signet-upload/protocol';
import { assertSignersMayUpload, signersOf } from '../auth/access.js';
import type { ServerContext } from '../context.js';
import type { UploadSettings } from '../presets/resolve.js';
import { earlySizeLimit, settingsFor } from '../presets/upload.js';
import { finalizeUpload } from './finalize.js';
import { readMultipart } from './multipart.js';
import { ParamCollector, parseUploadRequest, type UploadRequest } from './params.js';
import { removeQuietly, tempPath, type Written, writeTemp } from './temp.js';
import { assertFresh, assertSigned, spendSignature, verifierFor } from './verify.js';

export interface UploadTarget {
  cloud: string;
  resourceType: ResourceType | 'auto';
}

export async function ingestSingle(
  ctx: ServerContext,
  req: IncomingMessage,
  url: URL,
  target: UploadTarget,
): Promise<UploadApiResponse> {
  const collector = new ParamCollector();
  for (const [name, value] of url.searchParams) collector.add(name, value);
  const temp = tempPath(ctx.paths.tmpDir);
  let file: (Written & { filename: string; declaredType: string }) | undefined;
  try {
    await readMultipart(req, {
      limits: {
        fields: ctx.config.limits.maxFields,
        fieldSize: ctx.config.limits.maxFieldSize,
        fileSize: ctx.config.limits.maxFileSize,
      },
      fileTooLarge: () =>
        new UploadError('FILE_TOO_LARGE', `The file is larger than ${ctx.config.limits.maxFileSize} bytes.`),
      onField: (name, value) => collector.add(name, value),
      onFile: async (stream, info) => {
        // Refuse before storing a byte when the fields so far already name something unknown.
        collector.assertKnown();
        // A preset's size limit stops the file as soon as it goes over (the SDKs send the fields first).
        const limit = await earlySizeLimit(ctx, collector.values());
        const source = limit < ctx.config.limits.maxFileSize ? Readable.from(capped(stream, limit)) : stream;
        file = { ...(await writeTemp(source, temp)), filename: info.filename, declaredType: info.mimeType };
      },
    });
    collector.assertKnown();
    if (!file) throw new UploadError('FILE_MISSING', 'Missing required parameter - file.');
    const request = parseUploadRequest(collector.values());
    const settings = await authorize(ctx, request);
    return await finalizeUpload(ctx, target, settings, { tempFile: temp, ...file });
  } finally {
    await removeQuietly(temp);
  }
}

/**
 * Everything that decides whether a complete request may become an asset, in order: the signature (401), the
 * presets and the unsigned rules (400/401), the timestamp window, the signer's folders as granted now (403; after
 * the window, so the record of whom the signature was issued to is certain to be there), then replay protection,
 * last because spending the signature cannot be undone.
 */
async function authorize(ctx: ServerContext, request: UploadRequest): Promise<UploadSettings> {
  const verifier = verifierFor(ctx);
  if (!request.unsigned) assertSigned(request, verifier);
  const settings = await settingsFor(ctx, request);
  if (!request.unsigned) {
    assertFresh(request, verifier);
    await assertSignersMayUpload(ctx, await signersOf(ctx, request.signature), settings);
    await spendSignature(request, verifier, ctx.catalog.signatures);
  }
  return settings;
}

/** Passes bytes through until there are more than `limit`, then fails with 413. */
async function* capped(stream: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += chunk.length;
    if (bytes > limit) throw new UploadError('FILE_TOO_LARGE', `The file is larger than ${limit} bytes.`);
    yield chunk;
  }
}
