/**
 * Chunk sessions shared by instances (the scale-out configuration: PostgreSQL catalogue, S3 store), so a session
 * continues on whichever instance its next chunk reaches: behind a plain round-robin balancer, through a rolling
 * restart, after an instance died.
 *
 *   state   one catalogue record per session (catalog/chunk-session-catalog.ts): the session's state, the chunks
 *           arriving, and later its answer or its expiry; every change is one serialised read-modify-write
 *   bytes   one S3 object per chunk, `chunk-<session>-<token>` under the store's prefix, written as the chunk streams
 *           (its length is known from Content-Range); assembled into a local temp file, hashed on the way, when the
 *           last chunk is in, then finalized like any upload (finalize.ts publishes it to the store)
 *   arrivals  a chunk in flight holds its range with a lease that its instance renews while it works on it; an
 *           instance that died stops renewing, and its ranges are free again after `LEASE_MS`. A retry of the same
 *           range (chunked.ts decides) takes it over at once: the other instance sees its lease gone and stops.
 *
 * A record's `updatedAt` says when the sweep looks at it next (after the TTL): for a live session its last change,
 * for the marker of a finished or expired one the moment that makes it go `MARKER_MS` after it was written.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { UploadError } from 'signet-upload/protocol';
import type { ChunkSessionCatalog, ChunkSessionRecord } from '../catalog/catalog.js';
import { isNotFound, type S3Store } from '../stores/s3.js';
import {
  type Arrival,
  type AssembledFile,
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
import { removeQuietly, tempPath, writeTemp } from './temp.js';

/** How long a chunk's claim on its range outlives its instance's last sign of life. */
export const LEASE_MS = 30_000;
const RENEW_MS = 10_000;
/** How long the answer of a finished session (or the tombstone of an expired one) is kept, at least. */
const MARKER_MS = 24 * 3600 * 1000;
const SWEEP_BATCH = 200;

interface SharedArrival extends Arrival {
  /** Names this claim and the object its bytes go to. */
  token: string;
  /** Unix ms: free after this unless renewed. */
  until: number;
}

/** What the catalogue record of a session holds (as JSON text). */
interface SharedSession {
  state: SessionState | null;
  arriving: SharedArrival[];
  /** The object of each recorded chunk (its token), by the chunk's start. */
  objects: Record<string, string>;
  finished: FinishedSession | null;
  expired: boolean;
}

type ReserveOutcome =
  | { kind: 'expired'; dropped: string[] }
  | { kind: 'reserved'; state: SessionState | null; dropped: string[] };

export interface SharedSessionOptions {
  catalog: ChunkSessionCatalog;
  store: S3Store;
  /** Where the assembled file goes before it is finalized. */
  tmpDir: string;
  ttlSeconds: number;
  now: () => number;
}

export class SharedChunkSessions implements ChunkSessionStore {
  readonly #catalog: ChunkSessionCatalog;
  readonly #store: S3Store;
  readonly #client: S3Client;
  readonly #tmpDir: string;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: SharedSessionOptions) {
    this.#catalog = options.catalog;
    this.#store = options.store;
    this.#client = options.store.client;
    this.#tmpDir = options.tmpDir;
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#now = options.now;
  }

  async peek(cloud: string, uploadId: string): Promise<SessionState | null> {
    return (await this.#read(sessionId(cloud, uploadId)))?.state ?? null;
  }

  async finished(cloud: string, uploadId: string): Promise<FinishedSession | null> {
    return (await this.#read(sessionId(cloud, uploadId)))?.finished ?? null;
  }

  async arriving(cloud: string, uploadId: string): Promise<Arrival[]> {
    const now = this.#now();
    return ((await this.#read(sessionId(cloud, uploadId)))?.arriving ?? [])
      .filter((arrival) => arrival.until > now)
      .map(({ range, sender }) => ({ range, sender }))
      .sort((a, b) => a.range.start - b.range.start);
  }

  async reserve(
    cloud: string,
    uploadId: string,
    range: ContentRange,
    sender: SessionOwner,
    check: (state: SessionState | null, arriving: readonly Arrival[]) => Arrival | undefined,
  ): Promise<Reservation> {
    const id = sessionId(cloud, uploadId);
    const token = randomBytes(8).toString('hex');
    const now = this.#now();
    const outcome = await this.#catalog.change<ReserveOutcome>(id, (record) => {
      const session = parse(record) ?? empty();
      if (session.expired) return { result: { kind: 'expired', dropped: [] } };
      if (session.finished) throw new UploadError('CHUNK_INVALID', 'This upload already finished.');
      const { live, dropped } = split(session.arriving, now);
      if (session.state && now - session.state.updatedAt > this.#ttlMs)
        return { next: tombstone(now, this.#ttlMs), result: { kind: 'expired', dropped: [] } };
      const taken = check(session.state, live) as SharedArrival | undefined;
      const mine: SharedArrival = { range, sender, token, until: now + LEASE_MS };
      const arriving = [...live.filter((other) => other !== taken), mine];
      return {
        next: store({ ...session, arriving }, now),
        result: {
          kind: 'reserved',
          state: session.state,
          dropped: [...dropped, ...(taken ? [taken.token] : [])],
        },
      };
    });
    // Objects of claims that lapsed or were taken over hold nothing recorded: their bytes go.
    await this.#deleteObjects(outcome.dropped.map((dropped) => objectName(id, dropped)));
    if (outcome.kind === 'expired') {
      await this.#deleteSessionObjects(id);
      throw expired();
    }
    return this.#reservation(id, token, range, outcome.state);
  }

  async discard(cloud: string, uploadId: string): Promise<void> {
    const id = sessionId(cloud, uploadId);
    await this.#catalog.change(id, () => ({ next: null, result: null }));
    await this.#deleteSessionObjects(id);
  }

  async sweep(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      const now = this.#now();
      const ids = await this.#catalog.idle(now - this.#ttlMs, SWEEP_BATCH);
      for (const id of ids) {
        const emptied = await this.#catalog.change(id, (record) => {
          const session = parse(record);
          // Changed since it was listed: not idle any more.
          if (!record || !session || record.updatedAt >= now - this.#ttlMs) return { result: false };
          if (session.finished || session.expired) return { next: null, result: false };
          return { next: tombstone(now, this.#ttlMs), result: true };
        });
        if (emptied) await this.#deleteSessionObjects(id);
      }
      if (ids.length < SWEEP_BATCH) return;
    }
  }

  async #read(id: string): Promise<SharedSession | null> {
    return parse(await this.#catalog.get(id));
  }

  #reservation(id: string, token: string, range: ContentRange, state: SessionState | null): Reservation {
    const sessions = this;
    const key = objectName(id, token);
    let stopWriting: ((error: Error) => void) | null = null;
    let renewal: NodeJS.Timeout | null = null;
    const stopRenewing = (): void => {
      if (renewal) clearInterval(renewal);
      renewal = null;
    };
    const renew = async (): Promise<void> => {
      const now = sessions.#now();
      const held = await sessions.#catalog
        .change(id, (record) => {
          const session = parse(record);
          const mine = session?.arriving.find((arrival) => arrival.token === token);
          if (!session || !mine) return { result: false };
          mine.until = now + LEASE_MS;
          return { next: store(session, now), result: true };
        })
        .catch(() => true);
      if (!held) {
        stopRenewing();
        stopWriting?.(superseded());
      }
    };
    // Renewed for as long as this instance works on the chunk: while its bytes stream, and for a complete session
    // until it is finished or discarded.
    renewal = setInterval(() => void renew(), RENEW_MS);
    renewal.unref();

    return {
      state,
      async write(stream) {
        const expected = range.end - range.start + 1;
        const hash = chunkIdentity();
        const abort = new AbortController();
        let bytes = 0;
        stopWriting = (error) => {
          abort.abort(error);
          stream.destroy(error);
        };
        // The length is signed into the PUT: a body that ends short or fails must abort it, not leave it waiting.
        const body = Readable.from(
          (async function* () {
            try {
              for await (const chunk of stream as AsyncIterable<Buffer>) {
                bytes += chunk.length;
                hash.update(chunk);
                yield chunk;
              }
              if (bytes !== expected)
                throw new UploadError(
                  'CHUNK_INVALID',
                  `The chunk has ${bytes} bytes; its Content-Range says ${expected}.`,
                );
            } catch (error) {
              abort.abort(error);
              throw error;
            }
          })(),
        );
        // Its failure reaches us through the aborted PUT; the SDK may have stopped listening to the body by then.
        body.on('error', () => {});
        try {
          await sessions.#client.send(
            new PutObjectCommand({
              Bucket: sessions.#store.bucket,
              Key: sessions.#store.objectKey(key),
              Body: body,
              ContentLength: expected,
            }),
            { abortSignal: abort.signal },
          );
          return { bytes, sha256: hash.digest('hex') };
        } catch (error) {
          const reason = abort.signal.aborted ? abort.signal.reason : error;
          throw reason instanceof Error ? reason : error;
        } finally {
          stopWriting = null;
        }
      },
      async commit(build) {
        const now = sessions.#now();
        const next = await sessions.#catalog.change(id, (record) => {
          const session = parse(record);
          const mine = session?.arriving.find((arrival) => arrival.token === token);
          if (!session || !mine) throw superseded();
          const built = build(session.state);
          const complete = isComplete(built);
          // A complete session keeps the last range held until it is finished: nobody else finalizes it meanwhile.
          if (complete) mine.until = now + LEASE_MS;
          const arriving = complete ? session.arriving : session.arriving.filter((arrival) => arrival !== mine);
          const objects = { ...session.objects, [String(range.start)]: token };
          return { next: store({ ...session, state: built, arriving, objects }, now), result: built };
        });
        if (!isComplete(next)) stopRenewing();
        return next;
      },
      async assemble(total) {
        const session = await sessions.#read(id);
        if (!session?.state) throw gone();
        const temp = tempPath(sessions.#tmpDir);
        try {
          const chunks = [...session.state.chunks].sort((a, b) => a.start - b.start);
          const written = await writeTemp(Readable.from(sessions.#concat(id, chunks, session.objects)), temp);
          if (written.bytes !== total) throw gone();
          return { tempFile: temp, md5: written.md5 } satisfies AssembledFile;
        } catch (error) {
          await removeQuietly(temp);
          throw error;
        }
      },
      async cancel() {
        stopRenewing();
        await sessions.#catalog.change(id, (record) => {
          const session = parse(record);
          if (!session?.arriving.some((arrival) => arrival.token === token)) return { result: null };
          const arriving = session.arriving.filter((arrival) => arrival.token !== token);
          // A first chunk that failed takes its new session with it.
          if (!session.state && arriving.length === 0 && !session.finished) return { next: null, result: null };
          return { next: store({ ...session, arriving }, sessions.#now()), result: null };
        });
        await sessions.#deleteObjects([key]);
      },
      async discard() {
        stopRenewing();
        await sessions.#catalog.change(id, () => ({ next: null, result: null }));
        await sessions.#deleteSessionObjects(id);
      },
      async finish(done) {
        stopRenewing();
        const now = sessions.#now();
        const marker: SharedSession = { ...empty(), finished: done };
        await sessions.#catalog.change(id, () => ({
          next: { data: JSON.stringify(marker), updatedAt: now + MARKER_MS - sessions.#ttlMs },
          result: null,
        }));
        await sessions.#deleteSessionObjects(id);
      },
    };
  }

  /** The recorded chunks' bytes, in order; a missing object means the session cannot be finalized any more. */
  async *#concat(
    id: string,
    chunks: readonly { start: number; end: number }[],
    objects: Record<string, string>,
  ): AsyncGenerator<Buffer> {
    for (const chunk of chunks) {
      const token = objects[String(chunk.start)];
      if (!token) throw gone();
      let body: AsyncIterable<Buffer>;
      try {
        const answer = await this.#client.send(
          new GetObjectCommand({ Bucket: this.#store.bucket, Key: this.#store.objectKey(objectName(id, token)) }),
        );
        body = answer.Body as AsyncIterable<Buffer>;
      } catch (error) {
        if (isNotFound(error)) throw gone();
        throw error;
      }
      yield* body;
    }
  }

  /** Every object of a session (its chunks, and any a crash left behind), found by their common prefix. */
  async #deleteSessionObjects(id: string): Promise<void> {
    const prefix = this.#store.prefix + objectName(id, '');
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.#store.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).map((object) => object.Key).filter((key): key is string => !!key);
      await this.#deleteKeys(keys);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async #deleteObjects(names: readonly string[]): Promise<void> {
    await this.#deleteKeys(names.map((name) => this.#store.objectKey(name))).catch(() => {});
  }

  async #deleteKeys(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      if (batch.length === 0) continue;
      await this.#client.send(
        new DeleteObjectsCommand({
          Bucket: this.#store.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }
}

/** A chunk's object: the session's id, then the claim's token (a store key: letters, digits, '-'). */
function objectName(id: string, token: string): string {
  return `chunk-${id}-${token}`;
}

function empty(): SharedSession {
  return { state: null, arriving: [], objects: {}, finished: null, expired: false };
}

function parse(record: ChunkSessionRecord | null): SharedSession | null {
  return record ? (JSON.parse(record.data) as SharedSession) : null;
}

function store(session: SharedSession, now: number): { data: string; updatedAt: number } {
  return { data: JSON.stringify(session), updatedAt: now };
}

/** Expired: a late chunk gets 410 until the tombstone goes with the other markers. */
function tombstone(now: number, ttlMs: number): { data: string; updatedAt: number } {
  return { data: JSON.stringify({ ...empty(), expired: true }), updatedAt: now + MARKER_MS - ttlMs };
}

/** Claims still held, and the tokens of those that lapsed (their instance stopped renewing them). */
function split(arriving: readonly SharedArrival[], now: number): { live: SharedArrival[]; dropped: string[] } {
  return {
    live: arriving.filter((arrival) => arrival.until > now),
    dropped: arriving.filter((arrival) => arrival.until <= now).map((arrival) => arrival.token),
  };
}
