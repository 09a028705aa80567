/**
 * One chunk of a chunked upload. Each chunk is a full upload request whose bytes go at the offset its Content-Range
 * names; the first comes first, the middle ones in any order (several at once), the last last, and the last one
 * finalizes the file like a single upload. Before anything touches a session:
 *   - the chunk's parameters are authorised (pipeline/authorize.ts): a chunk carrying its session's own signature
 *     continues that use; the first chunk of a session spends a use; another signature for a known session (its
 *     owner's renewed one: an aged signature, a page reloaded mid-upload) is checked but spends none;
 *   - the session must be the caller's: the same signature, or the same signer (the API secret's holder re-signing
 *     each chunk, as the official SDK does; a user the signing endpoint signed for) with the same parameters
 *     (403 CHUNK_FORBIDDEN otherwise), so nobody else can append to, alter or discard it.
 * A refused chunk adds nothing; an exact repeat of a chunk already received (a retry whose first attempt arrived)
 * is answered as success; a refused finalization discards the session.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { type ByteSpan, type ChunkStatus, type UploadApiResponse, UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { authorizeUpload, type Signer, type UploadAuthorization } from './authorize.js';
import { finalizeUpload, type UploadTarget } from './finalize.js';
import { clientAddress, readMultipart } from './multipart.js';
import { ParamCollector, parseUploadRequest, type UploadRequest } from './request.js';
import {
  type ContentRange,
  chunkIdentity,
  contiguous,
  parseContentRange,
  parseUploadId,
  type ReceivedChunk,
  type Reservation,
  type SessionOwner,
  type SessionState,
} from './sessions.js';

/** What an intermediate chunk answers (the official SDK ignores it; our widget shows progress from it). */
export interface ChunkAccepted {
  done: false;
  /** Bytes received from the start without a gap. */
  bytes: number;
}

type ChunkOutcome =
  | { kind: 'answered'; body: UploadApiResponse | ChunkAccepted }
  /** The last chunk again, for a session that holds every byte but was never finalized (its process died). */
  | { kind: 'complete'; reservation: Reservation; auth: UploadAuthorization; state: SessionState; last: ReceivedChunk }
  | {
      kind: 'written';
      reservation: Reservation;
      auth: UploadAuthorization;
      chunk: ReceivedChunk;
      owner: SessionOwner;
      /** The file part's name as this chunk sent it (the first chunk's is the one kept). */
      filename: string;
    };

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
  let reservation: Reservation | undefined;
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
        // Another signature for a known session is its owner's renewed one (an aged signature, a page reloaded
        // mid-upload) or a stranger's: either way it spends no use here. The owner's session was its one use, and
        // a stranger is refused just below (CHUNK_FORBIDDEN) without having burnt a signature on it.
        const use = continues ? {} : known ? { use: 'check' as const } : {};
        const auth = await authorizeUpload(ctx, request, {
          ...(continues ? { continues: known.signer } : use),
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
        const repeat = open?.chunks.find((chunk) => chunk.start === range.start && chunk.end === range.end);
        if (open && repeat) {
          await assertRepeat(repeat, range, stream);
          if (open.total === null || open.received < open.total || range.end + 1 !== open.total) {
            outcome = { kind: 'answered', body: { done: false, bytes: open.received } };
            return;
          }
          // Every byte is in and no answer was left: the process that was finalizing it died. This retry of the last
          // chunk finalizes it, unless another one is doing so now (a finalization holds the last range).
          reservation = await ctx.sessions.reserve(target.cloud, uploadId, range, mine, (state, arriving) => {
            if (!state || state.received !== state.total || state.resourceType !== target.resourceType)
              throw new UploadError('CHUNK_INVALID', 'This upload changed meanwhile; ask for its status.');
            if (arriving.length > 0)
              throw new UploadError('CHUNK_INVALID', 'This upload is being finalized now; ask for its status.');
            return undefined;
          });
          const state = reservation.state as SessionState;
          outcome = { kind: 'complete', reservation, auth, state, last: repeat };
          return;
        }

        reservation = await ctx.sessions.reserve(target.cloud, uploadId, range, mine, (state, arriving) => {
          if (state) assertOwner(state.owner, mine);
          // The same range from the same sender while it still seems to arrive: a retry after a cut the server did
          // not see (no FIN reached it). The retry takes its place rather than waiting for the dead one to time out.
          const retried = arriving.find((other) => sameRange(other.range, range) && isOwner(other.sender, mine));
          const others = arriving.filter((other) => other !== retried).map((other) => other.range);
          assertPlace(state, others, range, target, ctx.config.limits.minChunkSize);
          return retried;
        });
        const written = await reservation.write(stream);
        if (written.bytes !== expected)
          throw new UploadError(
            'CHUNK_INVALID',
            `The chunk has ${written.bytes} bytes; its Content-Range says ${expected}.`,
          );
        const chunk = { start: range.start, end: range.end, sha256: written.sha256 };
        const owner = reservation.state?.owner ?? mine;
        outcome = { kind: 'written', reservation, auth, chunk, owner, filename: info.filename };
      },
    });
    collector.assertKnown();
    if (!outcome) throw new UploadError('FILE_MISSING', 'Missing required parameter - file.');
    if (outcome.kind === 'answered') return outcome.body;
    if (outcome.kind === 'complete') {
      finalizing = true;
      return await finalizeSession(ctx, target, outcome.reservation, outcome.auth, outcome.state, outcome.last);
    }

    // The whole request was read and is well-formed: only now does the chunk become part of the session.
    const { reservation: held, chunk, owner, filename } = outcome;
    const now = ctx.now();
    const next = await held.commit((current) => {
      const chunks = [...(current?.chunks ?? []), chunk].sort((a, b) => a.start - b.start);
      return {
        cloud: target.cloud,
        uploadId,
        resourceType: target.resourceType,
        received: contiguous(chunks),
        total: range.total ?? current?.total ?? null,
        owner,
        chunks,
        filename: current?.filename ?? filename,
        createdAt: current?.createdAt ?? now,
        updatedAt: now,
      };
    });
    if (next.total === null || next.received < next.total) return { done: false, bytes: next.received };

    finalizing = true;
    return await finalizeSession(ctx, target, held, outcome.auth, next, chunk);
  } catch (error) {
    if (reservation) await (finalizing || isFatal(error) ? reservation.discard() : reservation.cancel());
    throw error;
  }
}

/** Every byte of the session is in: the file is checked and published like a single upload, and the answer kept. */
async function finalizeSession(
  ctx: ServerContext,
  target: UploadTarget,
  held: Reservation,
  auth: UploadAuthorization,
  state: SessionState,
  last: ReceivedChunk,
): Promise<UploadApiResponse> {
  const total = state.total ?? state.received;
  const assembled = await held.assemble(total);
  const response = await finalizeUpload(ctx, target, auth, { ...assembled, bytes: total, filename: state.filename });
  await held.finish({ owner: state.owner, last, response, finishedAt: ctx.now() });
  return response;
}

/**
 * The status of a chunk session, for the client that owns it: authorised like a chunk (the session's own signature, or
 * the same signer's fresh one for the same parameters, spending no use), from the query string since a GET has no
 * body. Anyone else — another signer, other parameters — gets 404 NOT_FOUND, exactly as for an id nobody used, so the
 * answer never tells a stranger that a session exists.
 */
export async function chunkStatus(
  ctx: ServerContext,
  req: IncomingMessage,
  url: URL,
  headers: { uploadId: string },
  target: UploadTarget,
): Promise<ChunkStatus> {
  const uploadId = parseUploadId(headers.uploadId);
  const collector = new ParamCollector();
  for (const [name, value] of url.searchParams) collector.add(name, value);
  collector.assertKnown();
  const values = collector.values();
  const request = parseUploadRequest(values);
  const open = await ctx.sessions.peek(target.cloud, uploadId);
  const finished = open ? null : await ctx.sessions.finished(target.cloud, uploadId);
  const known = open?.owner ?? finished?.owner ?? null;
  const continues = known !== null && sameSignature(known, request);
  const auth = await authorizeUpload(ctx, request, {
    ...(continues ? { continues: known.signer } : {}),
    use: 'check',
    address: clientAddress(req),
  });
  const asker: SessionOwner = { signature: signatureOf(request), signer: auth.signer, params: fingerprint(values) };
  if (!known || !isOwner(known, asker))
    throw new UploadError('NOT_FOUND', 'No chunked upload with this id is open for these parameters.');
  if (finished) {
    const total = finished.response.bytes;
    return {
      upload_id: uploadId,
      done: true,
      bytes: total,
      total,
      received: total > 0 ? [{ start: 0, end: total - 1 }] : [],
      arriving: [],
      response: finished.response,
    };
  }
  const state = open as SessionState;
  const arriving = await ctx.sessions.arriving(target.cloud, uploadId);
  return {
    upload_id: uploadId,
    done: false,
    bytes: state.received,
    total: state.total,
    received: merged(state.chunks),
    arriving: arriving.map(({ range }) => ({ start: range.start, end: range.end })),
  };
}

/** Ranges by offset, touching ones joined. */
function merged(chunks: readonly ReceivedChunk[]): ByteSpan[] {
  const spans: ByteSpan[] = [];
  for (const { start, end } of [...chunks].sort((a, b) => a.start - b.start)) {
    const last = spans[spans.length - 1];
    if (last && start <= last.end + 1) last.end = Math.max(last.end, end);
    else spans.push({ start, end });
  }
  return spans;
}

/**
 * Where a chunk may go: the first (offset 0) opens the session, alone; a middle one anywhere no other chunk is or is
 * arriving, at least `minChunkSize` long (Cloudinary's rule); the last (reaching the total) only once every byte
 * before it is in and nothing else is arriving.
 */
function assertPlace(
  state: SessionState | null,
  inFlight: readonly ContentRange[],
  range: ContentRange,
  target: UploadTarget,
  minChunkSize: number,
): void {
  const last = range.total !== null && range.end + 1 === range.total;
  if (!last && range.end - range.start + 1 < minChunkSize)
    throw new UploadError(
      'CHUNK_INVALID',
      `Every chunk but the last must be at least ${minChunkSize} bytes (Cloudinary's rule for chunked uploads).`,
    );
  if (!state) {
    if (range.start !== 0) throw new UploadError('CHUNK_INVALID', 'Unknown upload: its first chunk must start at 0.');
    if (inFlight.length > 0)
      throw new UploadError('CHUNK_INVALID', 'The first chunk of this upload is still arriving; send it once.');
    return;
  }
  if (state.resourceType !== target.resourceType)
    throw new UploadError('CHUNK_INVALID', 'The chunk’s resource type differs from the first chunk’s.');
  if (state.total !== null && range.total !== state.total)
    throw new UploadError('CHUNK_INVALID', 'The total size changed between chunks.');
  const overlaps = (other: { start: number; end: number }) => range.start <= other.end && other.start <= range.end;
  if (state.chunks.some(overlaps)) throw new UploadError('CHUNK_INVALID', 'The chunk overlaps bytes already received.');
  if (inFlight.some(overlaps)) throw new UploadError('CHUNK_INVALID', 'The chunk overlaps a chunk still arriving.');
  if (last && (contiguous(state.chunks) !== range.start || inFlight.length > 0))
    throw new UploadError(
      'CHUNK_INVALID',
      `The last chunk must come last: bytes before ${range.start} are missing or still arriving.`,
    );
}

function isFatal(error: unknown): boolean {
  return error instanceof UploadError && (error.code === 'FILE_TOO_LARGE' || error.code === 'FORBIDDEN_FOLDER');
}

async function discard(ctx: ServerContext, target: UploadTarget, uploadId: string): Promise<void> {
  await ctx.sessions.discard(target.cloud, uploadId);
}

function signatureOf(request: UploadRequest): string {
  return request.unsigned ? '' : request.signature.toLowerCase();
}

function sameSignature(owner: SessionOwner, request: UploadRequest): boolean {
  return !request.unsigned && owner.signature !== '' && owner.signature === signatureOf(request);
}

/** 403 unless the chunk comes from whoever opened the session; 400 when its parameters differ. */
function assertOwner(owner: SessionOwner, chunk: SessionOwner): void {
  if (!sameSender(owner, chunk))
    throw new UploadError('CHUNK_FORBIDDEN', 'This chunked upload was started by someone else.');
  if (!sameParams(owner, chunk))
    throw new UploadError('CHUNK_INVALID', 'The chunk’s parameters differ from the first chunk’s.');
}

/** The same signature, or the same signer (the API secret's holder; a user the signing endpoint signed for). */
function sameSender(owner: SessionOwner, chunk: SessionOwner): boolean {
  return owner.signature === chunk.signature || sameSigner(owner.signer, chunk.signer);
}

function sameParams(owner: SessionOwner, chunk: SessionOwner): boolean {
  return JSON.stringify(owner.params) === JSON.stringify(chunk.params);
}

/** Whether `chunk` comes from the session's owner with the owner's parameters (what a status query must show). */
function isOwner(owner: SessionOwner, chunk: SessionOwner): boolean {
  return sameSender(owner, chunk) && sameParams(owner, chunk);
}

function sameRange(a: ContentRange, b: ContentRange): boolean {
  return a.start === b.start && a.end === b.end && a.total === b.total;
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
  const hash = chunkIdentity(received);
  for await (const chunk of stream) hash.update(chunk as Buffer);
  if (hash.digest('hex') !== (received.sha256 ?? received.md5))
    throw new UploadError('CHUNK_INVALID', 'These bytes differ from the chunk received for the same range.');
}

/** Every parameter but the per-request signature and timestamp, in a stable order. */
function fingerprint(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([name]) => name !== 'signature' && name !== 'timestamp')
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}
