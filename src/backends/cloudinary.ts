import { UploadError } from '../errors.js';
import { paramToString, type SignedParams, type UploadApiResponse, type UploadParams } from '../protocol/params.js';
import type { RemoteTarget, RemoteTask, UploadBackend, UploadTask } from './backend.js';
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
  /** Wait before the one retry of a failed chunk. */
  retryDelayMs?: number;
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
    return `${uploadUrl.replace(/\/+$/, '')}/v1_1/${encodeURIComponent(cloudName)}/${resourceType}/upload`;
  }

  async upload(task: UploadTask): Promise<UploadApiResponse> {
    // A signature can age out while a file waits in the queue, or have been spent (the signing endpoint issues each
    // signature for one use per request): asking once more gets a fresh one. A rate limit (on signing or on the
    // upload) is waited out as the answer says, once.
    for (let renewed = false, waited = false; ; ) {
      try {
        return await this.#send(task, await this.#sign(task));
      } catch (error) {
        const code = error instanceof UploadError ? error.code : null;
        if (task.signal.aborted) throw error;
        if (code === 'RATE_LIMITED' && !waited) {
          waited = true;
          await delay(Math.min((error as UploadError).retryAfter ?? 2, MAX_RATE_WAIT_S) * 1000, task.signal);
        } else if ((code === 'SIGNATURE_EXPIRED' || code === 'SIGNATURE_REPLAYED') && !renewed) renewed = true;
        else throw error;
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

  #send(task: UploadTask, auth: Authorized): Promise<UploadApiResponse> {
    return task.file.size > this.options.chunkSize ? this.#sendChunked(task, auth) : this.#sendWhole(task, auth);
  }

  async #sendWhole(task: UploadTask, auth: Authorized): Promise<UploadApiResponse> {
    const form = this.#form(auth);
    form.append('file', task.file, task.name);
    const report = throttled((loaded: number) => task.onProgress(loaded, task.file.size));
    const result = await postForm(this.endpoint, form, {
      signal: task.signal,
      onProgress: (loaded, total) => report(scale(loaded, total, task.file.size)),
    });
    report.flush();
    return this.#asResponse(result);
  }

  /**
   * Cloudinary's chunked protocol, in its order: the first chunk alone, the middle ones `PARALLEL_CHUNKS` at a time
   * (the server takes them in any order), the last alone once every other is in.
   */
  async #sendChunked(task: UploadTask, auth: Authorized): Promise<UploadApiResponse> {
    const { chunkSize } = this.options;
    const size = task.file.size;
    const uploadId = randomId();
    const count = Math.ceil(size / chunkSize);
    const loaded = new Array<number>(count).fill(0);
    const report = throttled(() =>
      task.onProgress(
        loaded.reduce((sum, bytes) => sum + bytes, 0),
        size,
      ),
    );
    const sendChunk = (index: number): Promise<XhrResult> => {
      const start = index * chunkSize;
      const end = Math.min(size, start + chunkSize) - 1;
      const chunk = task.file.slice(start, end + 1);
      return this.#withOneRetry(() => {
        const form = this.#form(auth);
        form.append('file', chunk, task.name);
        return postForm(this.endpoint, form, {
          signal: task.signal,
          headers: { 'X-Unique-Upload-Id': uploadId, 'Content-Range': `bytes ${start}-${end}/${size}` },
          onProgress: (sent, total) => {
            loaded[index] = scale(sent, total, chunk.size);
            report();
          },
        });
      }, task.signal);
    };

    const first = await sendChunk(0);
    if (count === 1 || !ok(first)) return this.#finish(first, report);
    let failed: XhrResult | undefined;
    let next = 1;
    const worker = async (): Promise<void> => {
      for (let index = next++; index < count - 1 && !failed; index = next++) {
        const result = await sendChunk(index);
        if (!ok(result)) failed ??= result;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_CHUNKS, count - 2) }, worker));
    if (failed) return this.#finish(failed, report);
    return this.#finish(await sendChunk(count - 1), report);
  }

  #finish(result: XhrResult, report: Throttled): UploadApiResponse {
    report.flush();
    return this.#asResponse(result);
  }

  async #withOneRetry(send: () => Promise<XhrResult>, signal: AbortSignal): Promise<XhrResult> {
    try {
      const result = await send();
      if (!retriable(result.status)) return result;
    } catch (error) {
      if (!(error instanceof UploadError) || error.code !== 'NETWORK_ERROR') throw error;
    }
    await delay(this.options.retryDelayMs ?? 300 + Math.random() * 400, signal);
    return send();
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
    throw errorFromBody(
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

/** Middle chunks in flight at once: enough to keep the line busy between one chunk's end and the next's start. */
const PARALLEL_CHUNKS = 3;
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

/** The longest a rate limit is waited out before the upload counts as failed. */
const MAX_RATE_WAIT_S = 60;
const ok = (result: XhrResult) => result.status >= 200 && result.status < 300;
const retriable = (status: number) => status >= 500 || status === 408 || status === 429 || status === 0;
const scale = (loaded: number, total: number, size: number) =>
  total > 0 ? Math.min(size, (loaded / total) * size) : 0;

function randomId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new UploadError('ABORTED', 'The upload was cancelled.'));
      },
      { once: true },
    );
  });
}
