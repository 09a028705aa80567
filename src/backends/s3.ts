/**
 * The S3 backend: files go from the browser straight to an S3-compatible bucket with @uppy/aws-s3 6, every S3
 * request presigned by the Signet server, and the server registers each file once it is stored.
 *
 * Per file: sign the upload parameters (the same `Signer` as the Cloudinary backend) → `POST /api/s3/start` (the
 * server checks them and picks the object key) → @uppy/aws-s3 uploads with `signRequest` → `POST /api/s3/sign` per
 * S3 request → `POST /api/s3/complete` → `upload-success` whose body is the server's Upload API JSON.
 *
 * Parallel parts: @uppy/aws-s3 6.3 sends the parts of one file one after another (S3Uploader#uploadRemainingParts
 * awaits each `uploadPart` in a loop; 0.38× of a single PUT on loopback, research/performance.md §3b). Until it has
 * a part-concurrency option (the upstreamable fix: a small worker pool in that loop), `parallelizeParts` shims the
 * plugin's S3 client: `uploadPart` starts the part and resolves at once with a placeholder ETag while at most
 * `parallelParts` are in flight, and `completeMultipartUpload` waits for them and sends the real ETags. The client
 * is the `this` of `signRequest` (S3mini calls `this.signRequest(request)`); should that ever change, parts simply
 * go one at a time again.
 */
import AwsS3 from '@uppy/aws-s3';
import type { Body, Meta, Uppy, UppyFile } from '@uppy/core';
import { UploadError } from '../errors.js';
import type { UploadApiResponse, UploadParams } from '../protocol/params.js';
import { DEFAULT_RETRY, isTransient, type RetryPolicy, waitToRetry } from './retry.js';
import { errorFromBody, nowSeconds, type Signer } from './signer.js';
import { originalOf, UnfinishedMemory, type UnfinishedUpload } from './unfinished.js';

const MiB = 1024 * 1024;

export interface S3BackendOptions {
  /** The Signet server's base URL (its `/api/s3/*` endpoints), e.g. `https://uploads.example.com`. */
  serverUrl: string;
  /** Signs the upload parameters, exactly as for the Cloudinary backend (`/api/sign` or the page's own function). */
  sign: Signer;
  /** Parameters of file `index` (1-based) of the `count` files in this run (folder, tags, public_id …). */
  params?: (file: UppyFile<Meta, Body>, index: number, count: number) => UploadParams;
  resourceType?: 'auto' | 'image' | 'video' | 'raw';
  /**
   * Bytes per part; the server may raise it (never below S3's 5 MiB). Default: adaptive, an eighth of the file
   * between 16 and 64 MiB (fewer, larger parts cost the object store less; scripts/bench-s3.mjs).
   */
  partSize?: number;
  /** Parts of one file in flight at once. Default 4. */
  parallelParts?: number;
  /** Files larger than this go up in parts, smaller ones in one PUT. Default: the part size. */
  multipartThreshold?: number;
  /** Files uploading at once. Default 3. */
  limit?: number;
  /** Extra headers for the server's `/api/s3/*` calls, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: () => Record<string, string>;
  /** Cookies for the server's calls; default 'same-origin' (a session cookie authenticates the person). */
  credentials?: RequestCredentials;
  /** Messages for failures without a server answer. */
  messages?: { NETWORK: string };
  /** How often and how long a failed S3 request is tried again (retry.ts); default DEFAULT_RETRY. */
  retry?: RetryPolicy;
  /**
   * Where unfinished multipart uploads are remembered across page loads (unfinished.ts; the element passes its
   * server's `/api/s3`): a re-selected file that matches continues the bucket's upload. Null or unset: not.
   */
  resumeScope?: () => string | null;
}

export interface S3Backend {
  /** The installed @uppy/aws-s3 plugin. */
  readonly plugin: AwsS3<Meta, Body>;
  /** Removes the plugin and everything installed with it. */
  uninstall(): void;
}

/** What `POST /api/s3/start` answers. */
interface Session {
  key: string;
  token: string;
  part_size: number;
  parts: number;
  /** The token's deadline (Unix seconds). */
  expires_at: number;
}

interface PartClient {
  putObject?(params: { signal?: AbortSignal }): Promise<unknown>;
  uploadPart(params: PartParams): Promise<{ etag: string }>;
  completeMultipartUpload(params: {
    key: string;
    uploadId: string;
    parts: { partNumber: number; etag: string }[];
    signal?: AbortSignal;
  }): Promise<unknown>;
  listParts(params: { key: string; uploadId: string; signal?: AbortSignal }): Promise<unknown>;
}

interface PartParams {
  key: string;
  uploadId: string;
  partNumber: number;
  data: Blob | BodyInit;
  onProgress?: (bytesUploaded: number, bytesTotal: number) => void;
  signal?: AbortSignal;
}

/** Watches the bytes of the parts `parallelizeParts` sends in the background. */
export interface PartObserver {
  /** A part started (`loaded` 0) or progressed; `size` is its length. */
  progress(key: string, partNumber: number, loaded: number, size: number): void;
  /** A part is stored, failed or was abandoned. */
  settled(key: string, partNumber: number): void;
}

const PATCHED = Symbol.for('signet.parallelParts');
const RETRYING = Symbol.for('signet.retryRequests');

/**
 * Whether an S3 request's failure is worth trying again: no answer, a timeout, or the store's own trouble. Reads
 * @uppy/aws-s3's errors (S3mini#signed: S3NetworkError for no answer, S3ServiceError with the status) and ours.
 */
function transientS3(error: unknown): boolean {
  if (isTransient(error)) return true;
  const failed = error as { name?: string; status?: number } | null;
  if (failed?.name === 'S3NetworkError') return true;
  const status = failed?.name === 'S3ServiceError' ? (failed.status ?? 0) : -1;
  return status === 408 || status >= 500;
}

/**
 * Gives an @uppy/aws-s3 S3 client's requests the widget's retry policy: @uppy/aws-s3 tries each request 3 times
 * within about two seconds, too short for a phone changing cells or a café's network. A failed part, single PUT,
 * listing or completion is tried again after a jittered backoff and once the browser is online, each time
 * presigned afresh (the client signs every request). Parts are idempotent: the same number replaces the bytes.
 */
export function retryRequests(client: PartClient, policy: RetryPolicy = DEFAULT_RETRY): void {
  const marked = client as PartClient & { [RETRYING]?: true };
  if (marked[RETRYING]) return;
  marked[RETRYING] = true;
  const methods = ['putObject', 'uploadPart', 'listParts', 'completeMultipartUpload'] as const;
  for (const name of methods) {
    const original = (client as unknown as Record<string, unknown>)[name];
    if (typeof original !== 'function') continue;
    const send = original.bind(client) as (params: { signal?: AbortSignal }) => Promise<unknown>;
    (client as unknown as Record<string, unknown>)[name] = async (params: { signal?: AbortSignal }) => {
      for (let attempt = 0; ; ) {
        try {
          return await send(params);
        } catch (error) {
          if (params.signal?.aborted || !transientS3(error) || attempt >= policy.attempts) throw error;
          attempt++;
          await waitToRetry(attempt, policy, params.signal ?? new AbortController().signal);
        }
      }
    };
  }
}
const PLACEHOLDER = 'signet-pending-part-';

/**
 * Makes an @uppy/aws-s3 S3 client send up to `concurrency` parts of one upload at once (see the module comment).
 * Idempotent per client. A failed part fails the next `uploadPart` (or the completion); a resume (`listParts`)
 * starts afresh.
 */
export function parallelizeParts(client: PartClient, concurrency: number, observer?: PartObserver): void {
  const marked = client as PartClient & { [PATCHED]?: true };
  if (marked[PATCHED] || concurrency < 2) return;
  marked[PATCHED] = true;
  const uploadPart = client.uploadPart.bind(client);
  const completeMultipartUpload = client.completeMultipartUpload.bind(client);
  const listParts = client.listParts.bind(client);
  interface Upload {
    inFlight: Map<number, Promise<void>>;
    etags: Map<number, string>;
    failure?: unknown;
  }
  const uploads = new Map<string, Upload>();
  const failIfFailed = (uploadId: string, upload: Upload) => {
    if (upload.failure === undefined) return;
    uploads.delete(uploadId);
    throw upload.failure;
  };

  client.uploadPart = async (params) => {
    let upload = uploads.get(params.uploadId);
    if (!upload) {
      upload = { inFlight: new Map(), etags: new Map() };
      uploads.set(params.uploadId, upload);
    }
    failIfFailed(params.uploadId, upload);
    while (upload.inFlight.size >= concurrency) {
      await Promise.race(upload.inFlight.values());
      params.signal?.throwIfAborted();
      failIfFailed(params.uploadId, upload);
    }
    const { key, partNumber } = params;
    const size = params.data instanceof Blob ? params.data.size : 0;
    observer?.progress(key, partNumber, 0, size);
    const state = upload;
    const sending = uploadPart({
      ...params,
      // S3Uploader counts the part as sent once we return; the observer reports the real bytes meanwhile.
      onProgress: (loaded) => observer?.progress(key, partNumber, loaded, size),
    }).then(
      ({ etag }) => {
        state.etags.set(partNumber, etag);
      },
      (error: unknown) => {
        state.failure ??= error;
      },
    );
    const settled = sending.finally(() => {
      state.inFlight.delete(partNumber);
      observer?.settled(key, partNumber);
    });
    state.inFlight.set(partNumber, settled);
    return { etag: `${PLACEHOLDER}${partNumber}` };
  };

  client.completeMultipartUpload = async (params) => {
    const upload = uploads.get(params.uploadId);
    if (!upload) return completeMultipartUpload(params);
    await Promise.all(upload.inFlight.values());
    uploads.delete(params.uploadId);
    if (upload.failure !== undefined) throw upload.failure;
    const parts = params.parts.map((part) =>
      part.etag.startsWith(PLACEHOLDER) ? { ...part, etag: upload.etags.get(part.partNumber) ?? part.etag } : part,
    );
    return completeMultipartUpload({ ...params, parts });
  };

  client.listParts = (params) => {
    // A resume: what S3 lists is the truth now; earlier failures (a pause aborts the parts in flight) are history.
    uploads.delete(params.uploadId);
    return listParts(params);
  };
}

/**
 * Installs @uppy/aws-s3 on `uppy` for direct uploads through a Signet server. Every successful file's
 * `upload-success` carries the server's Upload API JSON as `response.body` (and `secure_url` as `uploadURL`);
 * refusals arrive as `upload-error` with an `UploadError`.
 */
export function installS3Backend(uppy: Uppy<Meta, Body>, options: S3BackendOptions): S3Backend {
  const base = options.serverUrl.replace(/\/+$/, '');
  const fixedPartSize = options.partSize === undefined ? undefined : Math.max(5 * MiB, options.partSize);
  const partSizeFor = (size: number) =>
    fixedPartSize ?? Math.min(64 * MiB, Math.max(16 * MiB, Math.ceil(size / 8 / MiB) * MiB));
  const threshold = options.multipartThreshold ?? fixedPartSize ?? 16 * MiB;
  const parallelParts = Math.max(1, options.parallelParts ?? 4);
  const network = options.messages?.NETWORK ?? 'The upload server could not be reached.';
  /** By Uppy file ID, and by object key for `signRequest`, which only knows the key. */
  const sessions = new Map<string, Session>();
  const byKey = new Map<string, { fileId: string; session: Session }>();
  /** The server's part size by file size, for `getChunkSize` (which only knows the size). */
  const partSizes = new Map<number, number>();
  /** Completions under way, awaited by the post-processor so `complete` comes after them. */
  const completing = new Map<string, Promise<void>>();
  /** Bytes S3Uploader already counts as sent while they are still in flight, by object key. */
  const ahead = new Map<string, Map<number, { loaded: number; size: number }>>();
  const lastReported = new Map<string, number>();

  async function call<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        credentials: options.credentials ?? 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers?.() },
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
    } catch (cause) {
      if (signal?.aborted) throw new UploadError('ABORTED', 'The upload was cancelled.', { cause });
      throw new UploadError('NETWORK_ERROR', network, { cause });
    }
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) throw errorFromBody(json, response.status, network);
    return json as T;
  }

  const emit = uppy.emit;
  const emitOriginal = (event: string, ...args: unknown[]) =>
    (emit as (event: string, ...args: unknown[]) => void).call(uppy, event, ...args);

  const correctedBytes = (key: string, reported: number): number => {
    let over = 0;
    for (const part of ahead.get(key)?.values() ?? []) over += part.size - part.loaded;
    return Math.max(0, reported - over);
  };

  const reportProgress = (key: string) => {
    const owner = byKey.get(key);
    const file = owner && uppy.getFile(owner.fileId);
    const reported = lastReported.get(key);
    if (!file || reported === undefined) return;
    emitOriginal('upload-progress', file, {
      uploadStarted: file.progress.uploadStarted ?? Date.now(),
      bytesUploaded: correctedBytes(key, reported),
      bytesTotal: file.size ?? null,
    });
  };
  const observer: PartObserver = {
    progress(key, partNumber, loaded, size) {
      let parts = ahead.get(key);
      if (!parts) {
        parts = new Map();
        ahead.set(key, parts);
      }
      parts.set(partNumber, { loaded, size });
      reportProgress(key);
    },
    settled(key, partNumber) {
      ahead.get(key)?.delete(partNumber);
      reportProgress(key);
    },
  };
  // The plugin aborts the multipart upload of a removed or cancelled file right after these events, and signing
  // that abort needs the session: forget it a minute later.
  const forgetLater = (fileId: string) => {
    const session = sessions.get(fileId);
    if (!session) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      // The same file may be back by then (Uppy's IDs come from name, size and date), under a new session.
      if (sessions.get(fileId) === session) forget(fileId);
      else forgetKey(session.key);
    }, 60_000);
    timers.add(timer);
  };
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const onRemoved = (file: UppyFile<Meta, Body> | undefined) => {
    if (!file) return;
    const session = sessions.get(file.id);
    if (session) memory.ended(session.key); // the person stopped it: nothing to offer later
    forgetLater(file.id);
  };
  const onCancelAll = () => {
    for (const [fileId, session] of sessions) {
      memory.ended(session.key);
      forgetLater(fileId);
    }
  };
  uppy.on('file-removed', onRemoved);
  uppy.on('cancel-all', onCancelAll);
  // Unfinished multipart uploads across page loads (unfinished.ts), by object key once the bucket's upload id is known.
  const memory = new UnfinishedMemory(() => options.resumeScope?.() ?? null);
  uppy.on('file-added', (file) => {
    const original = file.isRemote ? undefined : originalOf(file);
    if (original) memory.added(file.id, original);
  });

  async function finish(file: UppyFile<Meta, Body>, session: Session): Promise<void> {
    memory.ended(session.key);
    try {
      const response = await call<UploadApiResponse>('/api/s3/complete', { key: session.key, token: session.token });
      forget(file.id);
      const current = uppy.getFile(file.id);
      if (current)
        emitOriginal('upload-success', current, { status: 200, body: response, uploadURL: response.secure_url });
    } catch (error) {
      forget(file.id);
      const current = uppy.getFile(file.id);
      if (current) emitOriginal('upload-error', current, error);
    }
  }

  function forget(fileId: string): void {
    const session = sessions.get(fileId);
    sessions.delete(fileId);
    if (session) forgetKey(session.key);
  }

  function forgetKey(key: string): void {
    byKey.delete(key);
    ahead.delete(key);
    lastReported.delete(key);
  }

  // AwsS3 reports success with `{location, key}`; hold that back until the server has registered the file, then
  // report the server's answer instead. Its progress counts parts sent ahead as done; report the real bytes.
  uppy.emit = ((event: string, ...args: unknown[]) => {
    const file = args[0] as UppyFile<Meta, Body> | undefined;
    const session = file ? sessions.get(file.id) : undefined;
    if (file && session && event === 'upload-success') {
      completing.set(
        file.id,
        finish(file, session).finally(() => completing.delete(file.id)),
      );
      return;
    }
    // Given up on for good (refused, not the network): nothing for a later page load to continue.
    if (file && session && event === 'upload-error' && !isTransient(args[1])) memory.ended(session.key);
    if (file && session && event === 'upload-progress') {
      const progress = args[1] as { bytesUploaded: number };
      lastReported.set(session.key, progress.bytesUploaded);
      return emitOriginal(event, file, {
        ...progress,
        bytesUploaded: correctedBytes(session.key, progress.bytesUploaded),
      });
    }
    return emitOriginal(event, ...args);
  }) as typeof uppy.emit;

  /** Takes up a multipart upload an earlier page load left unfinished: the plugin lists its parts and goes on. */
  const resumeFrom = (file: UppyFile<Meta, Body>, record: UnfinishedUpload & { s3: object }): void => {
    const { key, token, expiresAt } = record.s3;
    const session: Session = { key, token, part_size: record.chunkSize, parts: 0, expires_at: expiresAt };
    sessions.set(file.id, session);
    byKey.set(key, { fileId: file.id, session });
    partSizes.set(file.size ?? 0, session.part_size);
    memory.resumed(key, record.uploadId);
    uppy.setFileMeta(file.id, { signetParams: record.params } as unknown as Meta);
    // What @uppy/aws-s3 reads to continue an upload (S3Uploader's resume state, meant for Golden Retriever).
    uppy.setFileState(file.id, { s3Multipart: { key, uploadId: record.uploadId } } as never);
  };

  const start = async (file: UppyFile<Meta, Body>, index: number, count: number): Promise<void> => {
    const record = await memory.match(file.id);
    if (record?.s3 && !sessions.has(file.id)) return resumeFrom(file, record as UnfinishedUpload & { s3: object });
    const existing = sessions.get(file.id);
    // A retried multipart upload resumes under the key it started with.
    const resume = (file as { s3Multipart?: { key: string } }).s3Multipart;
    if (existing && resume?.key === existing.key) return;
    forget(file.id);
    const params = options.params?.(file, index, count) ?? {};
    uppy.setFileMeta(file.id, { signetParams: params } as unknown as Meta);
    try {
      const signed = await options.sign({ ...params, timestamp: nowSeconds() });
      const session = await call<Session>('/api/s3/start', {
        params: {
          ...params,
          timestamp: signed.timestamp,
          api_key: signed.api_key,
          signature: signed.signature,
          ...(signed.signature_algorithm && signed.signature_algorithm !== 'sha1'
            ? { signature_algorithm: signed.signature_algorithm }
            : {}),
        },
        file: { name: file.name ?? 'file', size: file.size ?? 0, type: file.type ?? '' },
        resource_type: options.resourceType ?? 'auto',
        part_size: partSizeFor(file.size ?? 0),
      });
      sessions.set(file.id, session);
      byKey.set(session.key, { fileId: file.id, session });
      partSizes.set(file.size ?? 0, session.part_size);
    } catch (error) {
      // A file the server refused fails on its own; Uppy then leaves it out of the upload.
      const current = uppy.getFile(file.id);
      if (current) emitOriginal('upload-error', current, error);
    }
  };

  const preprocess = async (fileIDs: string[]): Promise<void> => {
    const files = uppy.getFilesByIds(fileIDs).filter((file) => !file.error && !file.progress.uploadComplete);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < files.length; i = next++)
        await start(files[i] as UppyFile<Meta, Body>, i + 1, files.length);
    };
    await Promise.all(Array.from({ length: Math.min(4, files.length) }, worker));
  };
  const postprocess = async (fileIDs: string[]): Promise<void> => {
    await Promise.all(fileIDs.map((id) => completing.get(id)));
    memory.reread(); // for the next pick: this run finished or kept some
  };
  uppy.addPreProcessor(preprocess);
  uppy.addPostProcessor(postprocess);

  uppy.use(AwsS3<Meta, Body>, {
    id: 'SignetS3',
    limit: options.limit ?? 3,
    shouldUseMultipart: (file) => (file.size ?? 0) > threshold,
    getChunkSize: ({ size }) => partSizes.get(size) ?? partSizeFor(size ?? 0),
    generateObjectKey: (file) => sessions.get(file.id)?.key ?? '',
    // `this` is the plugin's S3 client; see the module comment.
    signRequest: async function (this: unknown, request) {
      const client = this as Partial<PartClient> | undefined;
      if (client && typeof client.uploadPart === 'function' && typeof client.completeMultipartUpload === 'function') {
        retryRequests(client as PartClient, options.retry);
        parallelizeParts(client as PartClient, parallelParts, observer);
      }
      const owner = byKey.get(request.key);
      if (!owner) throw new UploadError('SIGNATURE_INVALID', 'This file has no upload session; add it again.');
      // A part of a multipart upload: the bucket's upload id is known now, so a reload can continue it.
      const file = 'partNumber' in request ? uppy.getFile(owner.fileId) : undefined;
      const original = file && originalOf(file);
      if (original && 'uploadId' in request && typeof request.uploadId === 'string') {
        const { key, token, part_size, expires_at } = owner.session;
        memory.began(key, original, {
          uploadId: request.uploadId,
          chunkSize: part_size,
          params: (file.meta as { signetParams?: UploadParams }).signetParams ?? {},
          s3: { key, token, expiresAt: expires_at },
        });
      }
      return call<{ url: string; headers?: Record<string, string> }>('/api/s3/sign', {
        token: owner.session.token,
        key: request.key,
        method: request.method,
        ...('uploadId' in request ? { uploadId: request.uploadId } : {}),
        ...('partNumber' in request ? { partNumber: request.partNumber } : {}),
      });
    },
  });
  const plugin = uppy.getPlugin('SignetS3') as unknown as AwsS3<Meta, Body>;

  return {
    plugin,
    uninstall() {
      uppy.removePlugin(plugin as never);
      uppy.removePreProcessor(preprocess);
      uppy.removePostProcessor(postprocess);
      uppy.off('file-removed', onRemoved);
      uppy.off('cancel-all', onCancelAll);
      uppy.emit = emit;
      for (const timer of timers) clearTimeout(timer);
      sessions.clear();
      byKey.clear();
    },
  };
}
