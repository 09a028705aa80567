/**
 * One chunk of a chunked upload. Chunks arrive in order, each a full signed upload request whose bytes go at the
 * offset its Content-Range names; the last one finalizes the file like a single upload. A refused chunk appends
 * nothing (its bytes are cut back off), a refused first chunk leaves no session, and a refused finalization or an
 * upload over the size limit discards the whole session.
 */
import type { IncomingMessage } from 'node:http';
import type { UploadApiResponse } from 'signet-upload/protocol';
import { UploadError } from 'signet-upload/protocol';
import { assertSignersMayUpload, mergeSigners, signersOf } from '../auth/access.js';
import type { ServerContext } from '../context.js';
import { assertSize, earlySizeLimit, settingsFor } from '../presets/upload.js';
import { type ContentRange, parseContentRange, parseUploadId, type SessionState } from './chunks.js';
import { finalizeUpload } from './finalize.js';
import { readMultipart } from './multipart.js';
import { ParamCollector, parseUploadRequest } from './params.js';
import type { UploadTarget } from './single.js';
import { md5File } from './temp.js';
import { assertFresh, assertSigned, spendSignature, verifierFor } from './verify.js';

/** What an intermediate chunk answers (the official SDK ignores it; our widget shows progress from it). */
export interface ChunkAccepted {
  done: false;
  bytes: number;
}

export async function ingestChunk(
  ctx: ServerContext,
  req: IncomingMessage,
  url: URL,
  target: UploadTarget,
  headers: { uploadId: string; contentRange: string },
): Promise<UploadApiResponse | ChunkAccepted> {
  const uploadId = parseUploadId(headers.uploadId);
  const range = parseContentRange(headers.contentRange);
  const lease = await ctx.sessions.acquire(target.cloud, uploadId);
  const { state } = lease;
  let finalizing = false;
  try {
    // The size is refused as early as it is known: before reading the chunk when an earlier chunk named the preset,
    // else once the fields (which the SDKs send before the bytes) have arrived.
    const sizeSoFar = range.total ?? range.end + 1;
    assertWithin(sizeSoFar, state ? await earlySizeLimit(ctx, state.params) : ctx.config.limits.maxFileSize);
    assertInSequence(state, range, target);

    const expected = range.end - range.start + 1;
    const collector = new ParamCollector();
    for (const [name, value] of url.searchParams) collector.add(name, value);
    let written = -1;
    let filename = '';
    await readMultipart(req, {
      limits: { fields: ctx.config.limits.maxFields, fieldSize: ctx.config.limits.maxFieldSize, fileSize: expected },
      fileTooLarge: () => new UploadError('CHUNK_INVALID', 'The chunk is longer than its Content-Range.'),
      onField: (name, value) => collector.add(name, value),
      onFile: async (stream, info) => {
        collector.assertKnown();
        if (!state) assertWithin(sizeSoFar, await earlySizeLimit(ctx, collector.values()));
        filename = info.filename;
        written = await lease.write(stream, range.start);
      },
    });
    collector.assertKnown();
    if (written < 0) throw new UploadError('FILE_MISSING', 'Missing required parameter - file.');
    if (written !== expected)
      throw new UploadError('CHUNK_INVALID', `The chunk has ${written} bytes; its Content-Range says ${expected}.`);

    const values = collector.values();
    const request = parseUploadRequest(values);
    const verifier = verifierFor(ctx);
    if (!request.unsigned) assertSigned(request, verifier);
    const params = fingerprint(values);
    if (state && JSON.stringify(params) !== JSON.stringify(state.params))
      throw new UploadError('CHUNK_INVALID', 'The chunk’s parameters differ from the first chunk’s.');
    // Presets may have changed between chunks; every chunk is held to the ones in force when it arrives.
    const settings = await settingsFor(ctx, request);
    assertSize(ctx, settings, sizeSoFar);
    // The window and replay are checked when a signature is first seen, so an upload that takes longer than the
    // window still finishes; the official SDK re-signs every chunk with a fresh timestamp, ours reuse the first.
    const fresh = !request.unsigned && (!state || request.signature.toLowerCase() !== state.signature.toLowerCase());
    if (fresh) assertFresh(request, verifier);
    // Every chunk is held to the signers' grants as they are now; who they are is settled when a signature is first
    // seen and kept in the session, since the record of it may expire before a long upload ends.
    const signers = mergeSigners(
      state ? (state.signers ?? (await signersOf(ctx, state.signature))) : [],
      fresh ? await signersOf(ctx, request.signature) : [],
    );
    await assertSignersMayUpload(ctx, signers, settings);
    if (fresh) await spendSignature(request, verifier, ctx.catalog.signatures);

    const now = ctx.now();
    const next: SessionState = {
      cloud: target.cloud,
      uploadId,
      resourceType: target.resourceType,
      received: range.end + 1,
      total: range.total ?? state?.total ?? null,
      params,
      signature: state?.signature ?? request.signature,
      signers,
      filename: state?.filename ?? filename,
      createdAt: state?.createdAt ?? now,
      updatedAt: now,
    };
    await lease.save(next);
    if (next.total === null || next.received < next.total) return { done: false, bytes: next.received };

    finalizing = true;
    const response = await finalizeUpload(ctx, target, settings, {
      tempFile: lease.dataFile,
      bytes: next.received,
      md5: lease.md5() ?? (await md5File(lease.dataFile)),
      filename: next.filename,
    });
    await lease.discard();
    return response;
  } catch (error) {
    // A folder refused mid-upload (a grant revoked) will not come back for this session: its bytes go now.
    const fatal =
      finalizing ||
      (error instanceof UploadError && (error.code === 'FILE_TOO_LARGE' || error.code === 'FORBIDDEN_FOLDER'));
    await (fatal ? lease.discard() : lease.rollback());
    throw error;
  } finally {
    lease.release();
  }
}

function assertWithin(bytes: number, limit: number): void {
  if (bytes > limit) throw new UploadError('FILE_TOO_LARGE', `The file is larger than ${limit} bytes.`);
}

function assertInSequence(state: SessionState | null, range: ContentRange, target: UploadTarget): void {
  if (!state) {
    if (range.start !== 0) throw new UploadError('CHUNK_INVALID', 'Unknown upload: its first chunk must start at 0.');
    return;
  }
  if (state.resourceType !== target.resourceType)
    throw new UploadError('CHUNK_INVALID', 'The chunk’s resource type differs from the first chunk’s.');
  if (range.start !== state.received)
    throw new UploadError('CHUNK_INVALID', `Chunks must follow each other: expected bytes from ${state.received}.`);
  if (state.total !== null && range.total !== state.total)
    throw new UploadError('CHUNK_INVALID', 'The total size changed between chunks.');
}

/** Every parameter but the per-request signature and timestamp, in a stable order. */
function fingerprint(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([name]) => name !== 'signature' && name !== 'timestamp')
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}
