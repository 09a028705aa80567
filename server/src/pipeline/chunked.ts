/**
 * One chunk of a chunked upload. Each chunk is a full upload request whose bytes go at the offset its Content-Range
 * names; the last one finalizes the file like a single upload. Before anything touches a session:
 *   - the chunk's parameters are authorised (pipeline/authorize.ts): a chunk carrying its session's own signature
 *     continues that use; any other signature is checked and spent like a new upload;
 *   - the session must be the caller's: the same signature, or the same signer (the API secret's holder re-signing
 *     each chunk, as the official SDK does; a user the signing endpoint signed for) with the same parameters
 *     (403 CHUNK_FORBIDDEN otherwise), so nobody else can append to, alter or discard it.
 * A refused chunk appends nothing (its bytes are cut back off); an exact repeat of a chunk already received (a
 * retry whose first attempt arrived) is answered as success; a refused finalization discards the session.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { type UploadApiResponse, UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { authorizeUpload, type Signer, type UploadAuthorization } from './authorize.js';
import { finalizeUpload, type UploadTarget } from './finalize.js';
import { clientAddress, readMultipart } from './multipart.js';
import { ParamCollector, parseUploadRequest, type UploadRequest } from './request.js';
import {
  type ContentRange,
  parseContentRange,
  parseUploadId,
  type ReceivedChunk,
  type SessionLease,
  type SessionOwner,
  type SessionState,
} from './sessions.js';
import { md5File } from './temp.js';

/** What an intermediate chunk answers (the official SDK ignores it; our widget shows progress from it). */
export interface ChunkAccepted {
  done: false;
  bytes: number;
}

type ChunkOutcome =
  | { kind: 'answered'; body: UploadApiResponse | ChunkAccepted }
  | { kind: 'written'; lease: SessionLease; auth: UploadAuthorization; next: SessionState };

export async function ingestChunk(
  ctx: ServerContext,
  req: IncomingMessage,
  url: URL,
  target: UploadTarget,
  headers: { uploadId: string; contentRange: string },
): Promise<UploadApiResponse | ChunkAccepted> {
  const uploadId = parseUploadId(headers.uploadId);
  const range = parseContentRange(headers.contentRange);
  const expected = range.end - range.start + 1;
  const collector = new ParamCollector();
  for (const [name, value] of url.searchParams) collector.add(name, value);
  let outcome: ChunkOutcome | undefined;
  let lease: SessionLease | undefined;
  let finalizing = false;
  try {
    await readMultipart(req, {
      limits: { fields: ctx.config.limits.maxFields, fieldSize: ctx.config.limits.maxFieldSize, fileSize: expected },
      fileTooLarge: () => new UploadError('CHUNK_INVALID', 'The chunk is longer than its Content-Range.'),
      onField: (name, value) => collector.add(name, value),
      onFile: async (stream, info) => {
        collector.assertKnown();
        const values = collector.values();
        const request = parseUploadRequest(values);
        collector.assertFieldsFirst();
        // The session, or what a finished one left: whose it is decides how this chunk is authorised.
        const open = await ctx.sessions.peek(target.cloud, uploadId);
        const finished = open ? null : await ctx.sessions.finished(target.cloud, uploadId);
        const known = open?.owner ?? finished?.owner ?? null;
        const continues = known !== null && sameSignature(known, request);
        const auth = await authorizeUpload(ctx, request, {
          ...(continues ? { continues: known.signer } : {}),
          declaredSize: Math.max(range.total ?? 0, range.end + 1),
          address: clientAddress(req),
        }).catch(async (error: unknown) => {
          // The owner (its own signature) refused for good — a grant revoked mid-upload, a size over the limit —
          // will not be let back into this session: its bytes go now.
          if (continues && isFatal(error)) await discard(ctx, target, uploadId);
          throw error;
        });
        const mine: SessionOwner = {
          signature: signatureOf(request),
          signer: auth.signer,
          params: fingerprint(values),
        };
        if (known) assertOwner(known, mine);
        if (finished) {
          // A retried last chunk of an upload that already finished.
          await assertRepeat(finished.last, range, stream);
          outcome = { kind: 'answered', body: finished.response };
          return;
        }

        lease = await ctx.sessions.acquire(target.cloud, uploadId);
        const { state } = lease;
        if (state) assertOwner(state.owner, mine);
        const total = range.total ?? state?.total ?? null;
        const repeat = state?.chunks.find((chunk) => chunk.start === range.start && chunk.end === range.end);
        if (state && repeat) {
          await assertRepeat(repeat, range, stream);
          outcome = { kind: 'answered', body: { done: false, bytes: state.received } };
          return;
        }
        assertInSequence(state, range, target);
        const written = await lease.write(stream, range.start);
        if (written.bytes !== expected)
          throw new UploadError(
            'CHUNK_INVALID',
            `The chunk has ${written.bytes} bytes; its Content-Range says ${expected}.`,
          );
        const now = ctx.now();
        const next: SessionState = {
          cloud: target.cloud,
          uploadId,
          resourceType: target.resourceType,
          received: range.end + 1,
          total,
          owner: state?.owner ?? mine,
          chunks: [...(state?.chunks ?? []), { start: range.start, end: range.end, md5: written.md5 }],
          filename: state?.filename ?? info.filename,
          createdAt: state?.createdAt ?? now,
          updatedAt: now,
        };
        outcome = { kind: 'written', lease, auth, next };
      },
    });
    collector.assertKnown();
    if (!outcome) throw new UploadError('FILE_MISSING', 'Missing required parameter - file.');
    if (outcome.kind === 'answered') return outcome.body;

    // The whole request was read and is well-formed: only now does the chunk become part of the session.
    const { next } = outcome;
    await outcome.lease.save(next);
    if (next.total === null || next.received < next.total) return { done: false, bytes: next.received };
    finalizing = true;
    const response = await finalizeUpload(ctx, target, outcome.auth, {
      tempFile: outcome.lease.dataFile,
      bytes: next.received,
      md5: outcome.lease.md5() ?? (await md5File(outcome.lease.dataFile)),
      filename: next.filename,
    });
    const last = next.chunks.at(-1) as ReceivedChunk;
    await outcome.lease.finish({ owner: next.owner, last, response, finishedAt: ctx.now() });
    return response;
  } catch (error) {
    if (lease) {
      // The owner's own refusals that no later chunk can mend end the session; anything else undoes this chunk only.
      await (finalizing || isFatal(error) ? lease.discard() : lease.rollback());
    }
    throw error;
  } finally {
    lease?.release();
  }
}

function isFatal(error: unknown): boolean {
  return error instanceof UploadError && (error.code === 'FILE_TOO_LARGE' || error.code === 'FORBIDDEN_FOLDER');
}

async function discard(ctx: ServerContext, target: UploadTarget, uploadId: string): Promise<void> {
  const lease = await ctx.sessions.acquire(target.cloud, uploadId).catch(() => null);
  try {
    await lease?.discard();
  } finally {
    lease?.release();
  }
}

function signatureOf(request: UploadRequest): string {
  return request.unsigned ? '' : request.signature.toLowerCase();
}

function sameSignature(owner: SessionOwner, request: UploadRequest): boolean {
  return !request.unsigned && owner.signature !== '' && owner.signature === signatureOf(request);
}

/** 403 unless the chunk comes from whoever opened the session; 400 when its parameters differ. */
function assertOwner(owner: SessionOwner, chunk: SessionOwner): void {
  if (owner.signature !== chunk.signature && !sameSigner(owner.signer, chunk.signer))
    throw new UploadError('CHUNK_FORBIDDEN', 'This chunked upload was started by someone else.');
  if (JSON.stringify(owner.params) !== JSON.stringify(chunk.params))
    throw new UploadError('CHUNK_INVALID', 'The chunk’s parameters differ from the first chunk’s.');
}

function sameSigner(owner: Signer, chunk: Signer): boolean {
  if (owner.kind !== chunk.kind) return false;
  if (owner.kind !== 'issued' || chunk.kind !== 'issued') return true;
  return chunk.users.every((user) => owner.users.some((known) => known.id === user.id));
}

/** A chunk sent again: the same bytes are success; other bytes for the same range are refused. */
async function assertRepeat(received: ReceivedChunk, range: ContentRange, stream: Readable): Promise<void> {
  if (received.start !== range.start || received.end !== range.end)
    throw new UploadError('CHUNK_INVALID', 'This upload already finished.');
  const hash = createHash('md5');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  if (hash.digest('hex') !== received.md5)
    throw new UploadError('CHUNK_INVALID', 'These bytes differ from the chunk received for the same range.');
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
