/**
 * Chunked uploads (Cloudinary's `X-Unique-Upload-Id` + `Content-Range` protocol): parsing the headers, and the
 * sessions on disk that collect chunks. A session is `<chunksDir>/<hash of cloud + upload id>/` with the bytes so far
 * in `data` and its state in `state.json`; `received` in the state is the truth, so bytes past it (from a failed
 * chunk or a crash) are never part of the file.
 *
 * A session belongs to whoever opened it: its first chunk's signature, the signer behind it and its parameters
 * (chunked.ts checks each later chunk against them before touching anything here). A finished session leaves a
 * small marker with its answer, so a retried last chunk whose first attempt did arrive gets that same answer.
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
const TOMBSTONE = '.expired';
const DONE = '.done.json';

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
  received: number;
  total: number | null;
  owner: SessionOwner;
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

/** One request's exclusive hold on a session. */
export interface SessionLease {
  /** null for a session this chunk starts. */
  readonly state: SessionState | null;
  readonly dataFile: string;
  /** Writes a chunk's bytes at `offset`; resolves with how many arrived and their MD5. */
  write(stream: Readable, offset: number): Promise<{ bytes: number; md5: string }>;
  save(state: SessionState): Promise<void>;
  /** Cuts the data back to what the state says was received (undoes a failed chunk). */
  rollback(): Promise<void>;
  /** Removes the session and everything in it. */
  discard(): Promise<void>;
  /** Removes the session, leaving the marker a retried last chunk is answered from. */
  finish(done: FinishedSession): Promise<void>;
  release(): void;
  /**
   * MD5 of all bytes received, when this process saw every chunk in order (kept incrementally, so the last chunk
   * does not re-read the whole file); null after a restart or on another instance — then hash the data file.
   */
  md5(): string | null;
}

export class ChunkSessions {
  readonly #dir: string;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #busy = new Set<string>();
  /** Running MD5 per session and the byte count it covers; memory only, an optimisation. */
  readonly #hashes = new Map<string, { hash: Hash; received: number }>();

  constructor(dir: string, ttlSeconds: number, now: () => number) {
    this.#dir = dir;
    this.#ttlMs = ttlSeconds * 1000;
    this.#now = now;
  }

  /** The session's state without taking it (to decide how to authorise a chunk); null when there is none. */
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
   * Takes the session for (cloud, upload id): 410 UPLOAD_EXPIRED when it expired (or was swept), 400 CHUNK_INVALID
   * while another chunk of it is still arriving.
   */
  async acquire(cloud: string, uploadId: string): Promise<SessionLease> {
    const id = sessionId(cloud, uploadId);
    if (this.#busy.has(id))
      throw new UploadError('CHUNK_INVALID', 'Another chunk of this upload is still arriving; send chunks in order.');
    this.#busy.add(id);
    try {
      const dir = join(this.#dir, id);
      if (await exists(join(this.#dir, id + TOMBSTONE))) throw expired();
      const state = await readState(dir);
      if (state && this.#now() - state.updatedAt > this.#ttlMs) {
        await this.#expire(id);
        throw expired();
      }
      return this.#lease(id, dir, state);
    } catch (error) {
      this.#busy.delete(id);
      throw error;
    }
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
      if (this.#busy.has(entry)) continue;
      const state = await readState(path).catch(() => null);
      const updatedAt = state?.updatedAt ?? (await stat(path).catch(() => null))?.mtimeMs ?? 0;
      if (now - updatedAt > this.#ttlMs) await this.#expire(entry);
    }
  }

  async #expire(id: string): Promise<void> {
    this.#hashes.delete(id);
    await rm(join(this.#dir, id), { recursive: true, force: true });
    await writeFile(join(this.#dir, id + TOMBSTONE), '');
  }

  #lease(id: string, dir: string, state: SessionState | null): SessionLease {
    const dataFile = join(dir, 'data');
    const stateFile = join(dir, 'state.json');
    let released = false;
    const running = this.#hashes.get(id);
    // The chunk's bytes go into a copy; it replaces the running hash only once the chunk is saved.
    let pending: { hash: Hash; received: number } | null = null;
    return {
      state,
      dataFile,
      write: async (stream, offset) => {
        if (!state) await mkdir(dir, { recursive: true, mode: 0o700 });
        const base = offset === 0 ? { hash: createHash('md5'), received: 0 } : running;
        const hash = base && base.received === offset ? base.hash.copy() : null;
        const chunkHash = createHash('md5');
        let bytes = 0;
        await pipeline(
          stream,
          async function* (chunks: AsyncIterable<Buffer>) {
            for await (const chunk of chunks) {
              bytes += chunk.length;
              hash?.update(chunk);
              chunkHash.update(chunk);
              yield chunk;
            }
          },
          createWriteStream(dataFile, { flags: state ? 'r+' : 'w', start: offset, mode: 0o600 }),
        );
        pending = hash ? { hash, received: offset + bytes } : null;
        return { bytes, md5: chunkHash.digest('hex') };
      },
      save: async (next) => {
        await truncate(dataFile, next.received);
        // Write then rename, so a crash never leaves half a state file.
        await writeFile(`${stateFile}.tmp`, JSON.stringify(next), { mode: 0o600 });
        await rename(`${stateFile}.tmp`, stateFile);
        if (pending && pending.received === next.received) this.#hashes.set(id, pending);
        else this.#hashes.delete(id);
      },
      md5: () => {
        const current = this.#hashes.get(id);
        return current && current.received === (pending?.received ?? -1) ? current.hash.copy().digest('hex') : null;
      },
      rollback: async () => {
        if (state) await truncate(dataFile, state.received).catch(() => {});
        else await rm(dir, { recursive: true, force: true });
      },
      discard: () => {
        this.#hashes.delete(id);
        return rm(dir, { recursive: true, force: true });
      },
      finish: async (done) => {
        this.#hashes.delete(id);
        const marker = join(this.#dir, id + DONE);
        await writeFile(`${marker}.tmp`, JSON.stringify(done), { mode: 0o600 });
        await rename(`${marker}.tmp`, marker);
        await rm(dir, { recursive: true, force: true });
      },
      release: () => {
        if (released) return;
        released = true;
        this.#busy.delete(id);
      },
    };
  }
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
