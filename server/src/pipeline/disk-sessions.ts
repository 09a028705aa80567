/**
 * Chunk sessions of one instance, on its disk: `<chunksDir>/<session id>/` with the bytes in `data` (each chunk
 * written at its offset) and the state in `state.json`, replaced atomically (write, then rename). Ranges arriving are
 * held in memory: a process that dies takes its reservations with it, and a restarted one continues every session
 * from its state. A finished session leaves `<session id>.done.json` (its answer); an expired one `<id>.expired`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { makeDirectory } from '../storage-errors.js';
import { OffThreadMd5 } from './hasher.js';
import {
  type Arrival,
  type ChunkSessionStore,
  type ContentRange,
  chunkIdentity,
  expired,
  type FinishedSession,
  gone,
  isComplete,
  type Reservation,
  type SessionOwner,
  type SessionState,
  sessionId,
  superseded,
} from './sessions.js';
import { md5File } from './temp.js';

const TOMBSTONE = '.expired';
const DONE = '.done.json';
const WRITE_BUFFER = 1024 * 1024;

interface Running {
  /** Held by one in-flight chunk at a time: the one that starts where the hash has got to. */
  hash: OffThreadMd5;
  upTo: number;
  busy: boolean;
}

/** A reserved range of a session in this process. */
interface InFlight extends Arrival {
  /** Set once a retry of the same range took it over: it may commit nothing and must stop writing. */
  superseded: boolean;
  /** Stops its bytes while they stream (destroys the chunk's stream). */
  stop: (() => void) | null;
  /** Settles once it no longer writes to the data file (at once if it never started). */
  settled: Promise<void>;
  /** The one it took over: its write must be over before this one writes the same bytes. */
  after: Promise<void> | null;
}

export class DiskChunkSessions implements ChunkSessionStore {
  readonly #dir: string;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** Ranges reserved by chunks in flight, by session. */
  readonly #inFlight = new Map<string, InFlight[]>();
  /** Sessions whose state is being changed: one change at a time. */
  readonly #locks = new Map<string, Promise<void>>();
  /** Running MD5 per session; memory only, an optimisation. */
  readonly #hashes = new Map<string, Running>();

  constructor(dir: string, ttlSeconds: number, now: () => number) {
    this.#dir = dir;
    this.#ttlMs = ttlSeconds * 1000;
    this.#now = now;
  }

  async peek(cloud: string, uploadId: string): Promise<SessionState | null> {
    return readState(join(this.#dir, sessionId(cloud, uploadId))).catch(() => null);
  }

  async finished(cloud: string, uploadId: string): Promise<FinishedSession | null> {
    try {
      return JSON.parse(await readFile(join(this.#dir, sessionId(cloud, uploadId) + DONE), 'utf8')) as FinishedSession;
    } catch {
      return null;
    }
  }

  async arriving(cloud: string, uploadId: string): Promise<Arrival[]> {
    return (this.#inFlight.get(sessionId(cloud, uploadId)) ?? [])
      .map(({ range, sender }) => ({ range, sender }))
      .sort((a, b) => a.range.start - b.range.start);
  }

  reserve(
    cloud: string,
    uploadId: string,
    range: ContentRange,
    sender: SessionOwner,
    check: (state: SessionState | null, arriving: readonly Arrival[]) => Arrival | undefined,
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
      const taken = check(state, inFlight);
      const old = taken ? inFlight.find((entry) => entry === taken) : undefined;
      if (old) {
        old.superseded = true;
        old.stop?.();
      }
      if (!state) await makeDirectory(dir, 0o700);
      const entry: InFlight = { range, sender, superseded: false, stop: null, settled: Promise.resolve(), after: null };
      entry.after = old ? old.settled : null;
      this.#inFlight.set(id, [...inFlight.filter((other) => other !== old), entry]);
      return this.#reservation(id, dir, state, entry);
    });
  }

  discard(cloud: string, uploadId: string): Promise<void> {
    const id = sessionId(cloud, uploadId);
    return this.#locked(id, async () => {
      this.#setHash(id, null);
      await rm(join(this.#dir, id), { recursive: true, force: true });
    });
  }

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

  #release(id: string, entry: InFlight): void {
    const left = (this.#inFlight.get(id) ?? []).filter((other) => other !== entry);
    if (left.length) this.#inFlight.set(id, left);
    else this.#inFlight.delete(id);
  }

  #reservation(id: string, dir: string, state: SessionState | null, entry: InFlight): Reservation {
    const { range } = entry;
    const dataFile = join(dir, 'data');
    const stateFile = join(dir, 'state.json');
    let released = false;
    let hashedWhileStreaming = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#release(id, entry);
    };
    const sessions = this;
    return {
      state,
      async write(stream) {
        let settle = (): void => {};
        entry.settled = new Promise((resolve) => {
          settle = resolve;
        });
        try {
          // The chunk this one took over may still be writing the same bytes.
          await entry.after;
          if (entry.superseded) throw superseded();
          return await writeChunk(stream);
        } finally {
          entry.stop = null;
          settle();
        }
      },
      commit(build) {
        return sessions.#locked(id, async () => {
          if (entry.superseded) throw superseded();
          const next = build(await readState(dir));
          // Write then rename, so a crash never leaves half a state file.
          await writeFile(`${stateFile}.tmp`, JSON.stringify(next), { mode: 0o600 });
          await rename(`${stateFile}.tmp`, stateFile);
          // A complete session stays reserved until it is finished or discarded: nobody else finalizes it meanwhile.
          if (!isComplete(next)) release();
          await sessions.#catchUp(id, dataFile, next);
          return next;
        });
      },
      async assemble(total) {
        // Short data: the process finalizing it died after its bytes went to the store (see chunked.ts).
        if (((await stat(dataFile).catch(() => null))?.size ?? -1) < total) throw gone();
        // Bytes past the file could only come from a refused chunk.
        await truncate(dataFile, total);
        const running = sessions.#hashes.get(id);
        const md5 =
          running && !running.busy && running.upTo === total ? await running.hash.digest() : await md5File(dataFile);
        return { tempFile: dataFile, md5 };
      },
      async cancel() {
        // The running hash was fed bytes that are not part of the file now.
        if (hashedWhileStreaming || !state) sessions.#setHash(id, null);
        // A chunk taken over leaves the range, and the session, to the one that took it.
        if (entry.superseded) return;
        if (!state) {
          release();
          await rm(dir, { recursive: true, force: true });
          return;
        }
        await sessions.#locked(id, async () => {
          release();
          // Bytes the refused chunk left past everything recorded or arriving are cut off again.
          const current = await readState(dir);
          const ends = [...(current?.chunks ?? []), ...(sessions.#inFlight.get(id) ?? []).map((other) => other.range)];
          const keep = Math.max(0, ...ends.map((other) => other.end + 1));
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
    };

    async function writeChunk(stream: Readable): Promise<{ bytes: number; sha256: string }> {
      entry.stop = () => stream.destroy(superseded());
      // The first chunk starts the running hash; a later one feeds it when it starts where the hash has got to.
      if (range.start === 0) sessions.#setHash(id, { hash: OffThreadMd5.create(), upTo: 0, busy: false });
      const running = sessions.#hashes.get(id);
      const feed = running && !running.busy && running.upTo === range.start ? running : null;
      if (feed) feed.busy = true;
      // On this thread: SHA-256 is hardware-accelerated, and one copy per piece to the worker is saved.
      const chunkHash = chunkIdentity();
      let bytes = 0;
      try {
        await pipeline(
          stream,
          async function* (chunks: AsyncIterable<Buffer>) {
            for await (const chunk of chunks) {
              bytes += chunk.length;
              chunkHash.update(chunk);
              await feed?.hash.update(chunk);
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
        throw entry.superseded ? superseded() : error;
      } finally {
        if (feed) feed.busy = false;
      }
      hashedWhileStreaming = feed !== null && sessions.#hashes.get(id) === feed;
      if (hashedWhileStreaming && feed) feed.upTo = range.start + bytes;
      return { bytes, sha256: chunkHash.digest('hex') };
    }
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
