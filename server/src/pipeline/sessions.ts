/**
 * Chunked uploads (Cloudinary's `X-Unique-Upload-Id` + `Content-Range` protocol): parsing the headers, what a session
 * is, and the narrow interface of the stores that keep sessions (`ChunkSessionStore`). Two stores implement it:
 *   - disk-sessions.ts    one instance: state and bytes under `<data>/tmp/chunks` (the embedded default);
 *   - shared-sessions.ts  several instances: state in the catalogue (PostgreSQL), bytes in the S3 bucket, so any
 *                         instance continues any session.
 * Both survive a restart of the process (SIGKILL included): the chunks a session's state records are the truth, so
 * bytes outside them (from a failed chunk or a crash) are never part of the file.
 *
 * Order, as Cloudinary requires: the first chunk (offset 0) first, alone; then the middle chunks in any order and
 * at once, each range reserved while its bytes arrive so two never overlap; the last chunk (the one that reaches
 * the total) last, once every byte before it is in. A session belongs to whoever opened it (chunked.ts checks each
 * chunk against its owner before reserving anything). A finished session leaves a small marker with its answer,
 * so a retried last chunk whose first attempt did arrive gets that same answer.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { type UploadApiResponse, UploadError, type UploadResourceType } from 'signet-upload/protocol';
import type { Signer } from './authorize.js';

export interface ContentRange {
  start: number;
  /** Inclusive. */
  end: number;
  /** null when the client sent `-1` (the official SDK does on every chunk but the last). */
  total: number | null;
}

// The official SDK's ids are base64 with everything but [a-z0-9] stripped, so they can be short.
const UPLOAD_ID = /^[A-Za-z0-9_-]{1,128}$/;
const RANGE = /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16}|-1)$/;

export function parseUploadId(value: string): string {
  if (!UPLOAD_ID.test(value))
    throw new UploadError('CHUNK_INVALID', 'X-Unique-Upload-Id must be 1–128 letters, digits, "_" or "-".');
  return value;
}

export function parseContentRange(value: string): ContentRange {
  const match = RANGE.exec(value.trim());
  if (!match) throw new UploadError('CHUNK_INVALID', 'Content-Range must look like "bytes START-END/TOTAL".');
  const [start, end] = [Number(match[1]), Number(match[2])];
  const total = match[3] === '-1' ? null : Number(match[3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || (total !== null && !Number.isSafeInteger(total)))
    throw new UploadError('CHUNK_INVALID', 'Content-Range numbers are too large.');
  if (end < start) throw new UploadError('CHUNK_INVALID', 'Content-Range ends before it starts.');
  if (total !== null && end + 1 > total) throw new UploadError('CHUNK_INVALID', 'Content-Range goes past the total.');
  return { start, end, total };
}

/** Who opened a session: only the same owner may add to it. */
export interface SessionOwner {
  /** The first chunk's signature, lower-cased ('' for an unsigned upload). */
  signature: string;
  signer: Signer;
  /** Every parameter of the first chunk but `signature` and `timestamp`; later chunks must send the same. */
  params: Record<string, string>;
}

export interface ReceivedChunk {
  start: number;
  end: number;
  /**
   * What tells a repeat of the chunk from other bytes for its range: SHA-256 (hardware-accelerated, 2.4× MD5's speed
   * here; the file's own MD5, its etag, is hashed once beside it). `md5` in sessions written by earlier versions.
   */
  sha256?: string;
  md5?: string;
}

/** The hash of a chunk's bytes as `ReceivedChunk` records it: `recorded` (a repeat's first arrival) says which kind. */
export function chunkIdentity(recorded?: ReceivedChunk): Hash {
  return createHash(recorded && !recorded.sha256 ? 'md5' : 'sha256');
}

export interface SessionState {
  cloud: string;
  uploadId: string;
  resourceType: UploadResourceType;
  /** Bytes received from offset 0 without a gap. */
  received: number;
  total: number | null;
  owner: SessionOwner;
  /** Every chunk received, by offset. */
  chunks: ReceivedChunk[];
  filename: string;
  createdAt: number;
  updatedAt: number;
}

/** What a finished session leaves behind for a retried last chunk. */
export interface FinishedSession {
  owner: SessionOwner;
  last: ReceivedChunk;
  response: UploadApiResponse;
  finishedAt: number;
}

/** A chunk whose bytes are arriving now: its range is reserved until it is committed or dropped. */
export interface Arrival {
  readonly range: ContentRange;
  /** Who sends it (as chunked.ts made it from the chunk's parameters). */
  readonly sender: SessionOwner;
}

/** The whole file of a session whose chunks are all in, ready for `finalizeUpload`. */
export interface AssembledFile {
  /** A local file the caller hands to `finalizeUpload`, which removes it. */
  tempFile: string;
  md5: string;
}

/** One chunk's claim on its range of a session, from before its bytes arrive until it is committed or dropped. */
export interface Reservation {
  /** The session as it was when the range was reserved; null for the first chunk, which creates it. */
  readonly state: SessionState | null;
  /**
   * Stores the chunk's bytes at its offset; resolves with how many arrived and their SHA-256. Fails (CHUNK_INVALID)
   * when a retry of the same range took the reservation over meanwhile.
   */
  write(stream: Readable): Promise<{ bytes: number; sha256: string }>;
  /**
   * Records the chunk in the session (as `build` makes the new state from the current one) and frees the range —
   * unless the session is now complete: then the range stays held until `finish` or `discard`, so no retry finalizes
   * it a second time meanwhile. Fails (CHUNK_INVALID) when a retry took the reservation over.
   */
  commit(build: (current: SessionState | null) => SessionState): Promise<SessionState>;
  /** The whole file, once `commit` recorded every byte up to `total`. */
  assemble(total: number): Promise<AssembledFile>;
  /** Frees the range, keeping the session (a first chunk that fails takes its new session with it). */
  cancel(): Promise<void>;
  /** Removes the session and everything in it. */
  discard(): Promise<void>;
  /** Removes the session, leaving the marker a retried last chunk is answered from. */
  finish(done: FinishedSession): Promise<void>;
}

/**
 * Where chunk sessions live. `check` (given to `reserve`) is the policy, the store only the mechanism: it sees the
 * current state (null: no session) and the chunks arriving, throws to refuse, and may name one arrival this chunk
 * takes over — a retry of the same range by the same sender, whose first attempt still seems to be arriving (a
 * connection cut where the server saw no close). The store then stops that one and lets it commit nothing.
 */
export interface ChunkSessionStore {
  /** The session's state without taking anything (to decide how to authorise a chunk); null when there is none. */
  peek(cloud: string, uploadId: string): Promise<SessionState | null>;
  /** The answer a finished session left, or null. */
  finished(cloud: string, uploadId: string): Promise<FinishedSession | null>;
  /** The chunks arriving now, by offset. */
  arriving(cloud: string, uploadId: string): Promise<Arrival[]>;
  /** Reserves `range` for a chunk of `sender`; 410 UPLOAD_EXPIRED for a session that expired. */
  reserve(
    cloud: string,
    uploadId: string,
    range: ContentRange,
    sender: SessionOwner,
    check: (state: SessionState | null, arriving: readonly Arrival[]) => Arrival | undefined,
  ): Promise<Reservation>;
  /** Removes a session and everything in it (the owner's upload refused for good). */
  discard(cloud: string, uploadId: string): Promise<void>;
  /** Expires idle sessions (a late chunk then gets 410) and forgets old markers. */
  sweep(): Promise<void>;
}

/** Bytes from 0 that the chunks cover without a gap. */
export function contiguous(chunks: readonly ReceivedChunk[]): number {
  let upTo = 0;
  for (const chunk of [...chunks].sort((a, b) => a.start - b.start)) {
    if (chunk.start > upTo) break;
    upTo = Math.max(upTo, chunk.end + 1);
  }
  return upTo;
}

/** Every byte up to the declared total is in. */
export function isComplete(state: SessionState): boolean {
  return state.total !== null && state.received >= state.total;
}

/** A session's name in a store: never the client's upload id itself (any length, any cloud). */
export function sessionId(cloud: string, uploadId: string): string {
  return createHash('sha256').update(`${cloud}\n${uploadId}`).digest('hex').slice(0, 40);
}

/** A session whose state is older than its store allows, to be expired (410 UPLOAD_EXPIRED). */
export function expired(): UploadError {
  return new UploadError('UPLOAD_EXPIRED', 'This chunked upload expired; start it again.');
}

/** The bytes of a complete session are no longer there (its finalization died after publishing them). */
export function gone(): UploadError {
  return new UploadError('UPLOAD_EXPIRED', 'The chunks of this upload are gone; start it again.');
}

/** What the chunk a retry took over fails with (its client has most likely gone already). */
export function superseded(): UploadError {
  return new UploadError('CHUNK_INVALID', 'A retry of this chunk took its place.');
}
