/**
 * Chunked uploads (Cloudinary's `X-Unique-Upload-Id` + `Content-Range` protocol): parsing the headers, and the
 * sessions on disk that collect chunks. A session is `<chunksDir>/<hash of cloud + upload id>/` with the bytes in
 * `data` (each chunk written at its offset) and its state in `state.json`; the chunks the state records are the
 * truth, so bytes outside them (from a failed chunk or a crash) are never part of the file.
 *
 * Order, as Cloudinary requires: the first chunk (offset 0) first, alone; then the middle chunks in any order and
 * at once, each range reserved while its bytes arrive so two never overlap; the last chunk (the one that reaches
 * the total) last, once every byte before it is in. A session belongs to whoever opened it (chunked.ts checks each
 * chunk against its owner before reserving anything). A finished session leaves a small marker with its answer,
 * so a retried last chunk whose first attempt did arrive gets that same answer.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type UploadApiResponse, UploadError, type UploadResourceType } from 'signet-upload/protocol';
import { makeDirectory } from '../storage-errors.js';
import type { Signer } from './authorize.js';
import { OffThreadMd5 } from './hasher.js';

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
const TOMBSTONE = '.expired';
const DONE = '.done.json';
const WRITE_BUFFER = 1024 * 1024;

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
  md5: string;
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

/** One chunk's claim on its range of a session, from before its bytes arrive until it is committed or dropped. */
export interface Reservation {
  /** The session as it was when the range was reserved; null for the first chunk, which creates it. */
  readonly state: SessionState | null;
  readonly dataFile: string;
  /** Writes the chunk's bytes at its offset; resolves with how many arrived and their MD5. */
  write(stream: Readable): Promise<{ bytes: number; md5: string }>;
  /** Records the chunk in the session (as `build` makes the new state from the current one) and frees the range. */
  commit(build: (current: SessionState | null) => SessionState): Promise<SessionState>;
  /** Frees the range, keeping the session (a first chunk that fails takes its new session with it). */
  cancel(): Promise<void>;
  /** Removes the session and everything in it. */
  discard(): Promise<void>;
  /** Removes the session, leaving the marker a retried last chunk is answered from. */
  finish(done: FinishedSession): Promise<void>;
  /**
   * MD5 of the whole file when this process could follow it (chunks hashed as they streamed, or read back once the
   * bytes before them were in); null after a restart or on another instance — then hash the data file.
   */
  md5(): Promise<string | null>;
}

interface Running {
  /** Held by one in-flight chunk at a time: the one that starts where the hash has got to. */
  hash: OffThreadMd5;
  upTo: number;
  busy: boolean;
}

export class ChunkSessions {
  readonly #dir: string;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** Ranges reserved by chunks in flight, by session. */
  readonly #inFlight = new Map<string, ContentRange[]>();
  /** Sessions whose state is being changed: one change at a time. */
  readonly #locks = new Map<string, Promise<void>>();
  /** Running MD5 per session; memory only, an optimisation. */
  readonly #hashes = new Map<string, Running>();

  constructor(dir: string, ttlSeconds: number, now: () => number) {
    this.#dir = dir;
    this.#ttlMs = ttlSeconds * 1000;
    this.#now = now;
  }

  /** The session's state without taking anything (to decide how to authorise a chunk); null when there is none. */
  async peek(cloud: string, uploadId: string): Promise<SessionState | null> {
    return readState(join(this.#dir, sessionId(cloud, uploadId))).catch(() => null);
  }

  /** The answer a finished session left, or null. */
  async finished(cloud: string, uploadId: string): Promise<FinishedSession | null> {
    try {
      return JSON.parse(await readFile(join(this.#dir, sessionId(cloud, uploadId) + DONE), 'utf8')) as FinishedSession;
    } catch {
      return null;
    }
  }

  /**
   * Reserves `range` of the session (cloud, upload id). `check` sees the current state (null: no session) and the
   * ranges other chunks are sending, and throws to refuse. 410 UPLOAD_EXPIRED for a session that expired.
   */
  reserve(
    cloud: string,
    uploadId: string,
    range: ContentRange,
    check: (state: SessionState | null, inFlight: readonly ContentRange[]) => void,
  ): Promise<Reservation> {
    const id = sessionId(cloud, uploadId);
    return this.#locked(id, async () => {
      const dir = join(this.#dir, id);
      if (await exists(join(this.#dir, id + TOMBSTONE))) throw expired();
      const state = await readState(dir);
      if (state && this.#now() - state.updatedAt > this.#ttlMs) {
        await this.#expire(id);
        throw expired();
      }
      const inFlight = this.#inFlight.get(id) ?? [];
      check(state, inFlight);
      if (!state) await makeDirectory(dir, 0o700);
      this.#inFlight.set(id, [...inFlight, range]);
      return this.#reservation(id, dir, state, range);
    });
  }

  /** Removes a session and everything in it (the owner's upload refused for good). */
  discard(cloud: string, uploadId: string): Promise<void> {
    const id = sessionId(cloud, uploadId);
    return this.#locked(id, async () => {
      this.#setHash(id, null);
      await rm(join(this.#dir, id), { recursive: true, force: true });
    });
  }

  /** Expires idle sessions (leaving a tombstone so a late chunk gets 410) and forgets old tombstones and markers. */
  async sweep(): Promise<void> {
    const now = this.#now();
    for (const entry of await readdir(this.#dir).catch(() => [] as string[])) {
      const path = join(this.#dir, entry);
      if (entry.endsWith(TOMBSTONE) || entry.endsWith(DONE)) {
        const info = await stat(path).catch(() => null);
        if (info && now - info.mtimeMs > Math.max(this.#ttlMs, 24 * 3600 * 1000)) await rm(path, { force: true });
        continue;
      }
      if (this.#inFlight.get(entry)?.length) continue;
      const state = await readState(path).catch(() => null);
      const updatedAt = state?.updatedAt ?? (await stat(path).catch(() => null))?.mtimeMs ?? 0;
      if (now - updatedAt > this.#ttlMs) await this.#locked(entry, () => this.#expire(entry));
    }
  }

  /** Replaces (or with null, drops) a session's running hash, freeing the old one in the worker. */
  #setHash(id: string, running: Running | null): void {
    const old = this.#hashes.get(id);
    if (old && old !== running) old.hash.drop();
    if (running) this.#hashes.set(id, running);
    else this.#hashes.delete(id);
  }

  async #expire(id: string): Promise<void> {
    this.#setHash(id, null);
    await rm(join(this.#dir, id), { recursive: true, force: true });
    await writeFile(join(this.#dir, id + TOMBSTONE), '');
  }

  /** Runs `fn` with the session's state to itself (changes are short: the bytes are written outside). */
  async #locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#locks.get(id) ?? Promise.resolve();
    let done = (): void => {};
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    const chained = before.then(() => mine);
    this.#locks.set(id, chained);
    await before;
    try {
      return await fn();
    } finally {
      done();
      if (this.#locks.get(id) === chained) this.#locks.delete(id);
    }
  }

  #release(id: string, range: ContentRange): void {
    const left = (this.#inFlight.get(id) ?? []).filter((other) => other !== range);
    if (left.length) this.#inFlight.set(id, left);
    else this.#inFlight.delete(id);
  }

  #reservation(id: string, dir: string, state: SessionState | null, range: ContentRange): Reservation {
    const dataFile = join(dir, 'data');
    const stateFile = join(dir, 'state.json');
    let released = false;
    let hashedWhileStreaming = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#release(id, range);
    };
    const sessions = this;
    return {
      state,
      dataFile,
      async write(stream) {
        // The first chunk starts the running hash; a later one feeds it when it starts where the hash has got to.
        if (range.start === 0) sessions.#setHash(id, { hash: OffThreadMd5.create(), upTo: 0, busy: false });
        const running = sessions.#hashes.get(id);
        const feed = running && !running.busy && running.upTo === range.start ? running : null;
        if (feed) feed.busy = true;
        const chunkHash = OffThreadMd5.create();
        let bytes = 0;
        try {
          await pipeline(
            stream,
            async function* (chunks: AsyncIterable<Buffer>) {
              for await (const chunk of chunks) {
                bytes += chunk.length;
                await Promise.all([chunkHash.update(chunk), feed?.hash.update(chunk)]);
                yield chunk;
              }
            },
            createWriteStream(dataFile, {
              flags: state ? 'r+' : 'w',
              start: range.start,
              mode: 0o600,
              highWaterMark: WRITE_BUFFER,
            }),
          );
        } catch (error) {
          // Bytes fed to the running hash cannot be taken back: after a failed chunk it restarts from the data.
          if (feed) sessions.#setHash(id, null);
          chunkHash.drop();
          throw error;
        } finally {
          if (feed) feed.busy = false;
        }
        hashedWhileStreaming = feed !== null && sessions.#hashes.get(id) === feed;
        if (hashedWhileStreaming && feed) feed.upTo = range.start + bytes;
        try {
          return { bytes, md5: await chunkHash.digest() };
        } finally {
          chunkHash.drop();
        }
      },
      commit(build) {
        return sessions.#locked(id, async () => {
          const next = build(await readState(dir));
          // Write then rename, so a crash never leaves half a state file.
          await writeFile(`${stateFile}.tmp`, JSON.stringify(next), { mode: 0o600 });
          await rename(`${stateFile}.tmp`, stateFile);
          release();
          await sessions.#catchUp(id, dataFile, next);
          return next;
        });
      },
      async cancel() {
        // The running hash was fed bytes that are not part of the file now.
        if (hashedWhileStreaming || !state) sessions.#setHash(id, null);
        if (!state) {
          release();
          await rm(dir, { recursive: true, force: true });
          return;
        }
        await sessions.#locked(id, async () => {
          release();
          // Bytes the refused chunk left past everything recorded or arriving are cut off again.
          const current = await readState(dir);
          const ends = [...(current?.chunks ?? []), ...(sessions.#inFlight.get(id) ?? [])].map((r) => r.end + 1);
          const keep = Math.max(0, ...ends);
          const size = (await stat(dataFile).catch(() => null))?.size ?? 0;
          if (size > keep) await truncate(dataFile, keep).catch(() => {});
        });
      },
      async discard() {
        release();
        sessions.#setHash(id, null);
        await rm(dir, { recursive: true, force: true });
      },
      async finish(done) {
        release();
        sessions.#setHash(id, null);
        const marker = join(sessions.#dir, id + DONE);
        await writeFile(`${marker}.tmp`, JSON.stringify(done), { mode: 0o600 });
        await rename(`${marker}.tmp`, marker);
        await rm(dir, { recursive: true, force: true });
      },
      async md5() {
        const running = sessions.#hashes.get(id);
        const total = range.end + 1;
        return running && !running.busy && running.upTo === total ? running.hash.digest() : null;
      },
    };
  }

  /**
   * Chunks that arrived ahead of the hash (out of order) are read back into it once the bytes before them are in,
   * so the last chunk rarely has to re-read the file.
   */
  async #catchUp(id: string, dataFile: string, state: SessionState): Promise<void> {
    const running = this.#hashes.get(id);
    if (!running || running.busy) return;
    for (const chunk of state.chunks) {
      if (chunk.start !== running.upTo) continue;
      running.busy = true;
      try {
        for await (const piece of createReadStream(dataFile, { start: chunk.start, end: chunk.end }))
          await running.hash.update(piece as Buffer);
        running.upTo = chunk.end + 1;
      } catch {
        this.#setHash(id, null);
        return;
      } finally {
        running.busy = false;
      }
    }
  }
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

/** Cuts the data file to the file's size (bytes past it could only come from a refused chunk). */
export async function trimData(dataFile: string, size: number): Promise<void> {
  await truncate(dataFile, size);
}

function sessionId(cloud: string, uploadId: string): string {
  return createHash('sha256').update(`${cloud}\n${uploadId}`).digest('hex').slice(0, 40);
}

async function readState(dir: string): Promise<SessionState | null> {
  try {
    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as Partial<SessionState>;
    // A session from before sessions had owners cannot prove whose it is: it starts again from its first chunk.
    return state.owner && Array.isArray(state.chunks) ? (state as SessionState) : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

function expired(): UploadError {
  return new UploadError('UPLOAD_EXPIRED', 'This chunked upload expired; start it again.');
}
