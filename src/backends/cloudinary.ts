import { UploadError } from '../errors.js';
import { paramToString, type SignedParams, type UploadApiResponse, type UploadParams } from '../protocol/params.js';
import { apiUrl } from './api-url.js';
import type { RemoteTarget, RemoteTask, UploadBackend, UploadTask } from './backend.js';
import { sendChunked } from './chunked.js';
import {
  DEFAULT_RETRY,
  isTransient,
  MAX_RATE_WAIT_S,
  type RetryPolicy,
  roundSignal,
  sleep,
  waitToRetry,
} from './retry.js';
import type { Signer } from './signer.js';
import { errorFromBody, nowSeconds } from './signer.js';
import { postForm, type XhrResult } from './xhr.js';

export interface CloudinaryBackendOptions {
  cloudName: string;
  /** Cloudinary's API host, or a Signet reference server. */
  uploadUrl: string;
  resourceType: 'auto' | 'image' | 'video' | 'raw';
  /** Files larger than this go in chunks of this size (Cloudinary's chunked protocol). */
  chunkSize: number;
  sign: Signer;
  /** Added to every request's parameters and signed with them (Cloudinary's widget sends `source=uw`). */
  source: string;
  messages: { UNKNOWN: string };
  /** How often and how long failed requests are tried again (retry.ts); default DEFAULT_RETRY. */
  retry?: RetryPolicy;
}

/**
 * The default backend: Cloudinary's Upload API, spoken the same way to real Cloudinary and to the reference server.
 * For each file it signs exactly the parameters it will send, just before sending them.
 */
export class CloudinaryBackend implements UploadBackend {
  readonly options: CloudinaryBackendOptions;

  constructor(options: CloudinaryBackendOptions) {
    this.options = options;
  }

  get endpoint(): string {
    const { uploadUrl, cloudName, resourceType } = this.options;
    return apiUrl(uploadUrl, cloudName, `${resourceType}/upload`);
  }

  async upload(task: UploadTask): Promise<UploadApiResponse> {
    const { chunkSize } = this.options;
    const size = task.file.size;
    const policy = this.options.retry ?? DEFAULT_RETRY;
    // A signature can age out while a file waits in the queue, or have been spent (the signing endpoint issues each
    // signature for one use per request): asking once more gets a fresh one. A rate limit (on signing or on the
    // upload) is waited out as the answer says, once. The network failing is tried again with backoff (retry.ts);
    // a large file whose one request was cut goes on in chunks, so the next cut costs one chunk, not the file.
    for (let renewed = false, waited = false, attempt = 0, chunked = false; ; ) {
      try {
        const auth = await this.#sign(task);
        if (task.resume) return await this.#sendChunked(task, auth, task.resume.chunkSize);
        if (size > chunkSize) return await this.#sendChunked(task, auth, chunkSize);
        if (attempt > 0 && size >= 2 * FALLBACK_CHUNK) {
          chunked = true; // it retries on its own from here
          return await this.#sendChunked(task, auth, fallbackChunk(size));
        }
        return await this.#sendWhole(task, auth);
      } catch (error) {
        const code = error instanceof UploadError ? error.code : null;
        if (task.signal.aborted) throw error;
        if (code === 'RATE_LIMITED' && !waited) {
          waited = true;
          await sleep(Math.min((error as UploadError).retryAfter ?? 2, MAX_RATE_WAIT_S) * 1000, task.signal);
        } else if ((code === 'SIGNATURE_EXPIRED' || code === 'SIGNATURE_REPLAYED') && !renewed) renewed = true;
        else if (size <= chunkSize && !task.resume && !chunked && isTransient(error) && attempt < policy.attempts) {
          attempt++;
          await waitToRetry(attempt, policy, task.signal, undefined, task.onWait);
        } else throw error;
      }
    }
  }

  /** Companion POSTs the remote file itself, as one request, with these signed fields (never chunked). */
  async remoteTarget(task: RemoteTask): Promise<RemoteTarget> {
    return { endpoint: this.endpoint, fields: this.#fields(await this.#sign(task)) };
  }

  async #sign(task: RemoteTask): Promise<Authorized> {
    const params: UploadParams = { ...task.params, source: this.options.source, timestamp: nowSeconds() };
    return { params, signed: await this.options.sign(params, task.signal) };
  }

  async #sendWhole(task: UploadTask, auth: Authorized): Promise<UploadApiResponse> {
    const form = this.#form(auth);
    form.append('file', task.file, task.name);
    const report = throttled((loaded: number) => task.onProgress(loaded, task.file.size));
    const round = roundSignal(task.signal);
    try {
      const result = await postForm(this.endpoint, form, {
        signal: round.signal,
        onProgress: (loaded, total) => report(scale(loaded, total, task.file.size)),
      });
      report.flush();
      return this.#asResponse(result);
    } catch (error) {
      if (round.signal.aborted && !task.signal.aborted)
        throw new UploadError('NETWORK_ERROR', 'The browser went offline.', { cause: error });
      throw error;
    } finally {
      round.release();
    }
  }

  /** Cloudinary's chunked protocol (chunked.ts), resuming from what the server holds after any cut. */
  async #sendChunked(task: UploadTask, first: Authorized, chunkSize: number): Promise<UploadApiResponse> {
    let auth = first;
    const report = throttled((loaded: number) => task.onProgress(loaded, task.file.size));
    try {
      return await sendChunked(
        task,
        {
          endpoint: this.endpoint,
          fields: () => this.#fields(auth),
          renew: async () => {
            auth = await this.#sign(task);
          },
          asResponse: (result) => this.#asResponse(result),
          asError: (result) => this.#asError(result),
        },
        {
          chunkSize,
          report,
          ...(this.options.retry ? { retry: this.options.retry } : {}),
          ...(task.resume ? { uploadId: task.resume.uploadId } : {}),
          ...(task.onSession ? { onSession: (uploadId: string) => task.onSession?.({ uploadId, chunkSize }) } : {}),
        },
      );
    } finally {
      report.flush();
    }
  }

  /** The form fields: exactly the parameters that were signed, with the signing endpoint's timestamp. */
  #fields({ params, signed }: Authorized): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(params)) {
      if (value === undefined || name === 'timestamp') continue;
      const text = paramToString(value);
      if (text !== '') fields[name] = text;
    }
    fields.timestamp = String(signed.timestamp);
    fields.api_key = signed.api_key;
    fields.signature = signed.signature;
    if (signed.signature_algorithm && signed.signature_algorithm !== 'sha1')
      fields.signature_algorithm = signed.signature_algorithm;
    return fields;
  }

  #form(auth: Authorized): FormData {
    const form = new FormData();
    for (const [name, value] of Object.entries(this.#fields(auth))) form.append(name, value);
    return form;
  }

  #asResponse(result: XhrResult): UploadApiResponse {
    if (ok(result) && typeof (result.body as UploadApiResponse | null)?.public_id === 'string')
      return result.body as UploadApiResponse;
    throw this.#asError(result);
  }

  #asError(result: XhrResult): UploadError {
    return errorFromBody(
      result.body,
      result.status,
      this.options.messages.UNKNOWN.replace('{status}', String(result.status)),
      result.retryAfter,
    );
  }
}

interface Authorized {
  params: UploadParams;
  signed: SignedParams;
}

/** A large single upload that was cut goes on in chunks of about a quarter of it, never under 5 MiB (Cloudinary's
 * minimum); files under two such chunks are simply sent again. */
const FALLBACK_CHUNK = 5 * 1024 * 1024;
const fallbackChunk = (size: number) => Math.max(FALLBACK_CHUNK, Math.ceil(size / 4 / 1024) * 1024);
/** Progress reaches the page at most this often (each report redraws the Dashboard). */
const PROGRESS_INTERVAL_MS = 100;

interface Throttled {
  (...args: number[]): void;
  flush(): void;
}

/** Calls `fn` at most every PROGRESS_INTERVAL_MS, with the latest arguments; `flush` delivers a pending call. */
function throttled(fn: (...args: number[]) => void): Throttled {
  let last = 0;
  let pending: number[] | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = (): void => {
    clearTimeout(timer);
    timer = undefined;
    last = performance.now();
    const args = pending ?? [];
    pending = null;
    fn(...args);
  };
  const call = ((...args: number[]) => {
    pending = args;
    const wait = PROGRESS_INTERVAL_MS - (performance.now() - last);
    if (wait <= 0) run();
    else timer ??= setTimeout(run, wait);
  }) as Throttled;
  call.flush = () => {
    if (pending) run();
  };
  return call;
}

const ok = (result: XhrResult) => result.status >= 200 && result.status < 300;
const scale = (loaded: number, total: number, size: number) =>
  total > 0 ? Math.min(size, (loaded / total) * size) : 0;
