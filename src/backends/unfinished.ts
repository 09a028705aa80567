/**
 * Unfinished chunked uploads, remembered across page loads in IndexedDB so a reload (a crash, a closed tab, a phone
 * that dropped the page) does not start a 3 GB file over. A record holds what the server needs to continue the
 * session: its id, the chunk size its ranges were cut with and the parameters the first chunk was signed with, never
 * a signature (the backend signs them again through the page's signing endpoint) and never the file's bytes (Chromium
 * copies a stored File into the profile: a 100 MB file grew it by 95 MB). The person re-selects the file; it is
 * matched by name, size, modification time and a SHA-256 of its first and last MiB, then continues from the
 * server's offset (chunked.ts asks first). A `localStorage` flag (unfinished-flag.ts) says whether any record
 * exists, so pages without one never open the database or load the offer (uploader/resume-offer.ts). Two kinds:
 * a session of Cloudinary's chunked protocol (uploader/upload-plugin.ts) and a multipart upload straight to S3
 * (s3.ts), which also keeps the server's upload token: a capability for that one object key and that user, until
 * its deadline, after which the record is dropped.
 */
import type { UploadParams } from '../protocol/params.js';
import { apiUrl } from './api-url.js';
import { anyUnfinished, UNFINISHED_FLAG } from './unfinished-flag.js';

export interface UnfinishedUpload {
  uploadId: string;
  chunkSize: number;
  /** The endpoint the session lives on (uploader.ts `#resumeScopeNow`); other endpoints never see the record. */
  scope: string;
  /** The parameters the session's chunks carry (unsigned; `timestamp` and `signature` are made anew). */
  params: UploadParams;
  name: string;
  size: number;
  lastModified: number;
  fingerprint: string;
  savedAt: number;
  /** A multipart upload to S3 (`uploadId` is the bucket's): its object key and the server's token for it. */
  s3?: { key: string; token: string; expiresAt: number };
}

/** Whether a record can still continue: within a day, and (S3) before its token's deadline. */
function alive(record: UnfinishedUpload, now: number): boolean {
  return now - record.savedAt <= KEEP_MS && (!record.s3 || record.s3.expiresAt * 1000 > now);
}

const DB = 'signet-upload';
const STORE = 'unfinished';
/**
 * A day: the reference server keeps an idle session an hour (`limits.chunkTtlSeconds`), others may keep it longer;
 * past that the server says the session is gone and the file starts over under a new one (chunked.ts).
 */
const KEEP_MS = 24 * 3600 * 1000;
const MIB = 1024 * 1024;

let db: Promise<IDBDatabase | null> | undefined;

/** The database, or null where the browser has none (private modes, sandboxed frames): then nothing is remembered. */
function open(): Promise<IDBDatabase | null> {
  db ??= new Promise((resolve) => {
    try {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'uploadId' });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
  return db;
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T | null> {
  const database = await open();
  if (!database) return null;
  return new Promise((resolve) => {
    const transaction = database.transaction(STORE, mode);
    const request = work(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = transaction.onabort = () => resolve(null);
  });
}

function setFlag(any: boolean): void {
  try {
    if (any) localStorage.setItem(UNFINISHED_FLAG, '1');
    else localStorage.removeItem(UNFINISHED_FLAG);
  } catch {
    // No storage: the flag is an optimisation only.
  }
}

/** The records for `scope`, oldest first; records past their week are dropped on the way. */
export async function listUnfinished(scope: string): Promise<UnfinishedUpload[]> {
  const all = (await run('readonly', (store) => store.getAll() as IDBRequest<UnfinishedUpload[]>)) ?? [];
  const now = Date.now();
  const stale = all.filter((record) => !alive(record, now));
  for (const record of stale) await forgetUnfinished(record.uploadId);
  if (all.length === stale.length) setFlag(false);
  return all.filter((record) => record.scope === scope && alive(record, now)).sort((a, b) => a.savedAt - b.savedAt);
}

export async function rememberUnfinished(record: UnfinishedUpload): Promise<void> {
  await run('readwrite', (store) => store.put(record));
  setFlag(true);
}

export async function forgetUnfinished(uploadId: string): Promise<void> {
  await run('readwrite', (store) => store.delete(uploadId));
  const left = await run('readonly', (store) => store.count());
  if (!left) setFlag(false);
}

/**
 * SHA-256 (hex) of the file's first and last MiB and its size: cheap on a 3 GB file, and a changed file differs.
 * Null outside a secure context (no `crypto.subtle`): then uploads are not remembered.
 */
export async function fingerprint(file: Blob): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const head = file.slice(0, MIB);
  const tail = file.size > MIB ? file.slice(Math.max(MIB, file.size - MIB)) : new Blob();
  const bytes = await new Blob([head, tail, String(file.size)]).arrayBuffer();
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The record this chosen file continues, if any: same name, size and modification time, then the same bytes. */
export async function matchUnfinished(
  records: readonly UnfinishedUpload[],
  file: File,
): Promise<UnfinishedUpload | undefined> {
  const candidates = records.filter(
    (record) => record.name === file.name && record.size === file.size && record.lastModified === file.lastModified,
  );
  if (!candidates.length) return undefined;
  const mine = await fingerprint(file);
  return mine === null ? undefined : candidates.find((record) => record.fingerprint === mine);
}

/**
 * The file as the person chose it, for matching: a photo's data may have been replaced by a copy without its
 * metadata (uploader/strip-metadata.ts), which is made again, byte for byte, from the same file on a later visit.
 */
export function originalOf(file: { data?: unknown; signetOriginal?: unknown }): File | undefined {
  const original = file.signetOriginal ?? file.data;
  return original instanceof File ? original : undefined;
}

/**
 * Where an element's uploads are remembered (a record is offered only there): its server's Upload API endpoint, or
 * its `/api/s3` direct to S3; null for a page's own backend, whose sessions this module cannot continue.
 */
export function resumeScopeOf(options: {
  getBackend(): unknown;
  defaultBackend(): { uploadUrl: string; cloudName: string; resourceType: string };
  s3?: { serverUrl: string } | undefined;
}): string | null {
  if (options.getBackend()) return null;
  if (options.s3) return `${options.s3.serverUrl.replace(/\/+$/, '')}/api/s3`;
  const { uploadUrl, cloudName, resourceType } = options.defaultBackend();
  return apiUrl(uploadUrl, cloudName, `${resourceType}/upload`);
}

/** What an uploader tells the memory when an upload opens its session (the record's own fields). */
export interface OpenedUpload {
  uploadId: string;
  chunkSize: number;
  params: UploadParams;
  s3?: UnfinishedUpload['s3'];
}

/**
 * One uploader's use of the records, shared by both senders (uploader/upload-plugin.ts, s3.ts): a file that joins
 * the queue is matched against what earlier page loads left (read once per pick, and only when the flag says there is
 * any); an upload, known by a key of the sender's (a file id, an object key), is remembered from when its session
 * opens until it ends. Writes go in order, so a record an ended upload forgets is never written after it was forgotten.
 */
export class UnfinishedMemory {
  readonly #scope: () => string | null;
  #records: Promise<UnfinishedUpload[]> | undefined;
  readonly #matches = new Map<string, Promise<UnfinishedUpload | undefined>>();
  /** Upload ids by the sender's key, of what is remembered (or was resumed) in this page. */
  readonly #open = new Map<string, string>();
  #writes = Promise.resolve();

  constructor(scope: () => string | null) {
    this.#scope = scope;
  }

  /** A file joined the queue: look for the record it continues. */
  added(fileId: string, file: File): void {
    const scope = this.#scope();
    if (!scope || !anyUnfinished()) return;
    this.#records ??= listUnfinished(scope).catch(() => []);
    this.#matches.set(
      fileId,
      this.#records.then((records) => matchUnfinished(records, file)).catch(() => undefined),
    );
  }

  /** The record the file continues, if any (asked once, when its upload starts). */
  match(fileId: string): Promise<UnfinishedUpload | undefined> {
    const match = this.#matches.get(fileId) ?? Promise.resolve(undefined);
    this.#matches.delete(fileId);
    return match;
  }

  /** Read the records again for the next pick (a run finished or kept some). */
  reread(): void {
    this.#records = undefined;
  }

  /** The upload `key` continues a record: it is remembered already. */
  resumed(key: string, uploadId: string): void {
    this.#open.set(key, uploadId);
  }

  /** The upload `key` of `file` opened (or, after its session was lost, reopened) a session. */
  began(key: string, file: File, opened: OpenedUpload): void {
    const scope = this.#scope();
    const previous = this.#open.get(key);
    if (!scope || previous === opened.uploadId || !globalThis.crypto?.subtle) return;
    this.#open.set(key, opened.uploadId);
    this.#queue(async () => {
      if (previous) await forgetUnfinished(previous);
      const prints = await fingerprint(file);
      if (!prints || this.#open.get(key) !== opened.uploadId) return;
      await rememberUnfinished({
        ...opened,
        scope,
        name: file.name,
        size: file.size,
        lastModified: file.lastModified,
        fingerprint: prints,
        savedAt: Date.now(),
      });
    });
  }

  /** The upload `key` ended (stored, refused for good, stopped by the person): nothing to offer later. */
  ended(key: string): Promise<void> {
    const uploadId = this.#open.get(key);
    this.#open.delete(key);
    return uploadId ? this.#queue(() => forgetUnfinished(uploadId)) : this.#writes;
  }

  #queue(write: () => Promise<void>): Promise<void> {
    this.#writes = this.#writes.then(write).catch(() => undefined);
    return this.#writes;
  }
}
