/**
 * The Uppy uploader that hands each file to an `UploadBackend`. It replaces @uppy/xhr-upload, whose form mode
 * re-slices every File before sending it (see backends/xhr.ts), and it is where signing fits: backends sign per
 * file, just before sending.
 */
import { BasePlugin, type Body, EventManager, type Meta, type Uppy, type UppyFile } from '@uppy/core';
import type { RemoteUppyFile } from '@uppy/core/utils';
import { filterFilesToEmitUploadStarted, filterFilesToUpload, RateLimitedQueue } from '@uppy/core/utils';
import type { RemoteTask, UploadBackend, UploadTask } from '../backends/backend.js';
import { isTransient, type RetryWait } from '../backends/retry.js';
import { originalOf, UnfinishedMemory, type UnfinishedUpload } from '../backends/unfinished.js';
import { precheckFile } from '../content/precheck.js';
import { UploadError } from '../errors.js';
import type { UploadApiResponse, UploadParams } from '../protocol/params.js';
import { uploadViaCompanion } from './remote-upload.js';

/** Browser-side checks reading at once (each reads the head of one file). */
const PRECHECKS_AT_ONCE = 4;

/**
 * A file's progress reaches Uppy at most this often (and always at its end): each one is a state change that draws
 * the Dashboard again, and a browser reports every 50 ms or so; drawing took a tenth of a 2-core machine's upload
 * speed (scripts/bench.mjs, one request, shown against hidden). Uppy draws its total every 500 ms for the same reason.
 */
const PROGRESS_MS = 250;

export interface SignetUploadPluginOptions {
  id?: string;
  getBackend(): UploadBackend;
  /** The parameters of file `index` (1-based) of the `count` files in this upload run. */
  getParams(file: UppyFile<Meta, Body>, index: number, count: number): UploadParams;
  /** Files sent at once. */
  limit: number;
  /** Words for an error, in the page's language (errors with a code the locale knows get its message). */
  localize(error: UploadError): UploadError;
  /** A chosen file failed the browser-side checks before its upload began: it leaves the queue with its message. */
  onRefused(file: UppyFile<Meta, Body>, error: UploadError): void;
  /**
   * Where chunked sessions live (the default backend's endpoint): unfinished ones are remembered under it across
   * page loads, and a chosen file that continues one resumes it (unfinished.ts). Null: nothing is remembered.
   */
  resumeScope(): string | null;
  /** A file's failed request waits (the browser is offline, or a backoff) before it is tried again; null: it goes on. */
  onWait(wait: RetryWait | null): void;
}

export class SignetUploadPlugin<M extends Meta, B extends Body> extends BasePlugin<SignetUploadPluginOptions, M, B> {
  constructor(uppy: Uppy<M, B>, opts: SignetUploadPluginOptions) {
    super(uppy, opts);
    this.id = opts.id ?? 'SignetUpload';
    this.type = 'uploader';
  }

  /** Browser-side checks per file, started when the file is added, awaited before its upload. */
  #prechecks = new Map<string, Promise<UploadError | undefined>>();
  /** Unfinished uploads across page loads: chosen files matched when added, sessions remembered while open. */
  #memory = new UnfinishedMemory(() => this.opts.resumeScope());

  override install(): void {
    this.uppy.addUploader(this.#handleUpload);
    this.uppy.on('file-added', this.#onFileAdded);
    this.uppy.on('file-removed', this.#onFileRemoved);
  }

  override uninstall(): void {
    this.uppy.removeUploader(this.#handleUpload);
    this.uppy.off('file-added', this.#onFileAdded);
    this.uppy.off('file-removed', this.#onFileRemoved);
  }

  #onFileAdded = (file: UppyFile<M, B>) => {
    if (file.isRemote || !(file.data instanceof Blob)) return;
    const data = file.data;
    if (data instanceof File) this.#memory.added(file.id, data);
    // A removed file's turn comes to nothing.
    const inTurn = this.#precheckQueue.wrapPromiseFunction(async () =>
      this.uppy.getFile(file.id) ? precheckFile(data) : undefined,
    );
    const check = inTurn().then(
      (error) => (error ? this.opts.localize(error) : undefined),
      () => undefined, // an unreadable local file is the server's to judge
    );
    this.#prechecks.set(file.id, check);
    void check.then((error) => {
      const current = error && this.uppy.getFile(file.id);
      // Once its upload began, the upload itself reports the refusal (see #uploadOne).
      if (!current || current.progress.uploadStarted) return;
      this.opts.onRefused(current as UppyFile<Meta, Body>, error);
    });
  };

  /** Prechecks in turn (Uppy's own queue): a pick of 10,000 files must not open 10,000 reads at once. */
  #precheckQueue = new RateLimitedQueue(PRECHECKS_AT_ONCE);

  #onFileRemoved = (file: UppyFile<M, B>) => {
    this.#prechecks.delete(file.id);
    void this.#memory.match(file.id); // dropped
  };

  #handleUpload = async (fileIDs: string[]): Promise<void> => {
    const files = filterFilesToUpload(this.uppy.getFilesByIds(fileIDs));
    this.uppy.emit('upload-start', filterFilesToEmitUploadStarted(files));
    // Parameters are fixed for the whole run before the first request, so counter suffixes follow the added order.
    // A file that continues an unfinished upload keeps the parameters its session began with.
    const resumes = await Promise.all(files.map((file) => this.#memory.match(file.id)));
    const queue = files.map((file, i) => ({
      file,
      resume: resumes[i],
      params: resumes[i]?.params ?? this.opts.getParams(file as UppyFile<Meta, Body>, i + 1, files.length),
    }));
    // One state update for the whole run (setFileMeta per file copies the file map each time: quadratic at 10,000).
    const state = this.uppy.getState().files;
    const next = { ...state };
    for (const { file, params } of queue) {
      const current = state[file.id];
      if (current) next[file.id] = { ...current, meta: { ...current.meta, signetParams: params } };
    }
    this.uppy.setState({ files: next });
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift())
        await this.#uploadOne(next.file, next.params, next.resume);
    };
    await Promise.all(Array.from({ length: Math.max(1, this.opts.limit) }, worker));
    this.#memory.reread();
  };

  async #uploadOne(file: UppyFile<M, B>, params: UploadParams, resume?: UnfinishedUpload): Promise<void> {
    const events = new EventManager(this.uppy);
    const controller = new AbortController();
    events.onFileRemove(file.id, () => controller.abort());
    events.onCancelAll(file.id, () => controller.abort());
    // Remembered while its session is open, so a later page load can continue it.
    const original = originalOf(file);
    const remember = !file.isRemote && original !== undefined;
    if (resume) this.#memory.resumed(file.id, resume.uploadId);
    try {
      const name = file.name ?? 'file';
      let told = Number.NEGATIVE_INFINITY;
      const onProgress = (bytesUploaded: number, bytesTotal: number) => {
        const now = performance.now();
        if (bytesUploaded < bytesTotal && now - told < PROGRESS_MS) return;
        told = now;
        const current = this.uppy.getFile(file.id);
        if (!current) return;
        this.uppy.emit('upload-progress', current, {
          uploadStarted: current.progress.uploadStarted ?? Date.now(),
          bytesUploaded,
          bytesTotal,
        });
      };
      const signal = controller.signal;
      let response: UploadApiResponse;
      if (file.isRemote) {
        response = await this.#remoteUpload(file as RemoteUppyFile<M, B>, { name, params, signal }, onProgress);
      } else {
        const refused = await this.#prechecks.get(file.id);
        if (refused) throw refused;
        response = await this.opts.getBackend().upload({
          file: file.data as Blob,
          name,
          params,
          signal,
          onProgress,
          onWait: this.opts.onWait,
          ...(resume ? { resume: { uploadId: resume.uploadId, chunkSize: resume.chunkSize } } : {}),
          ...(remember
            ? { onSession: (session) => this.#memory.began(file.id, original, { ...session, params }) }
            : {}),
        });
      }
      await this.#memory.ended(file.id);
      this.uppy.emit('upload-success', this.uppy.getFile(file.id), {
        status: 200,
        body: response as unknown as B,
        uploadURL: (response as UploadApiResponse).secure_url,
      });
    } catch (cause) {
      // Kept for a later page load only when the network gave up on it; stopped or refused, it is over.
      if (controller.signal.aborted || !isTransient(cause)) await this.#memory.ended(file.id);
      if (controller.signal.aborted) return;
      const error = this.opts.localize(
        cause instanceof UploadError
          ? cause
          : new UploadError('INTERNAL', cause instanceof Error ? cause.message : String(cause), { cause }),
      );
      this.uppy.emit('upload-error', this.uppy.getFile(file.id), error);
    } finally {
      events.remove();
    }
  }

  /** Companion fetches the file and POSTs it to our upload endpoint with the same per-file signed fields. */
  async #remoteUpload(file: RemoteUppyFile<M, B>, task: RemoteTask, onProgress: UploadTask['onProgress']) {
    const backend = this.opts.getBackend();
    if (!backend.remoteTarget) throw new UploadError('BAD_REQUEST', 'This upload backend cannot take remote files.');
    // Companion names the file part itself: sign the original name, or the stored name and format are lost.
    const target = await backend.remoteTarget({ ...task, params: { filename_override: task.name, ...task.params } });
    return uploadViaCompanion(
      this.uppy,
      file,
      {
        protocol: 'multipart',
        endpoint: target.endpoint,
        size: file.data.size,
        fieldname: 'file',
        // Every entry becomes a form field of the upload: exactly the signed fields, nothing else.
        metadata: target.fields,
        httpMethod: 'POST',
        useFormData: true,
        headers: {},
      },
      { signal: task.signal, onProgress },
    );
  }
}
