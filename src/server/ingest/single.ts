/**
 * A whole file in one request: parameters and bytes in, temp file on disk, verified, then finalized.
 */
import type { IncomingMessage } from 'node:http';
import { UploadError } from '../../errors.js';
import type { ResourceType, UploadApiResponse } from '../../protocol/params.js';
import type { ServerContext } from '../context.js';
import { finalizeUpload } from './finalize.js';
import { readMultipart } from './multipart.js';
import { ParamCollector, parseUploadRequest } from './params.js';
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
  let file: (Written & { filename: string }) | undefined;
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
        file = { ...(await writeTemp(stream, temp)), filename: info.filename };
      },
    });
    collector.assertKnown();
    if (!file) throw new UploadError('FILE_MISSING', 'Missing required parameter - file.');
    const request = parseUploadRequest(collector.values());
    const verifier = verifierFor(ctx);
    assertSigned(request, verifier);
    assertFresh(request, verifier);
    await spendSignature(request, verifier, ctx.catalog);
    return await finalizeUpload(ctx, target, request, { tempFile: temp, ...file });
  } finally {
    await removeQuietly(temp);
  }
}
