import { UploadError } from '../errors.js';

export interface XhrResult {
  status: number;
  body: unknown;
  /** `Retry-After` in seconds, when the answer had one (a rate limit). */
  retryAfter?: number;
}

/**
 * POSTs a form with XMLHttpRequest, the one browser API that reports upload progress. The form carries the
 * caller's Blob untouched: Chromium sends a `File` from its backing file but a re-sliced Blob through a slower
 * data pipe (~40% less throughput, see research/performance.md §3b).
 */
export function postForm(
  url: string,
  form: FormData,
  options: {
    headers?: Record<string, string>;
    signal: AbortSignal;
    onProgress?: (loaded: number, total: number) => void;
    /**
     * A send that makes no progress this long fails as NETWORK_ERROR (a half-open connection on a bad network hangs
     * for minutes otherwise). Only while bytes go out: the server's time to answer afterwards is its own.
     */
    stallMs?: number;
  },
): Promise<XhrResult> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) {
      reject(new UploadError('ABORTED', 'The upload was cancelled.'));
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    let stalled = false;
    let stallTimer: ReturnType<typeof setTimeout> | undefined;
    const watch = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        stalled = true;
        xhr.abort();
      }, options.stallMs ?? STALL_MS);
    };
    const done = () => {
      clearTimeout(stallTimer);
      options.signal.removeEventListener('abort', onAbort);
    };
    xhr.open('POST', url);
    xhr.responseType = 'text';
    for (const [name, value] of Object.entries(options.headers ?? {})) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => {
      watch();
      options.onProgress?.(event.loaded, event.total);
    });
    xhr.upload.addEventListener('load', () => clearTimeout(stallTimer));
    xhr.addEventListener('load', () => {
      done();
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = xhr.responseText;
      }
      const retryAfter = retryAfterSeconds(xhr.getResponseHeader('Retry-After'));
      resolve({ status: xhr.status, body, ...(retryAfter === undefined ? {} : { retryAfter }) });
    });
    xhr.addEventListener('error', () => {
      done();
      reject(new UploadError('NETWORK_ERROR', `No response from ${new URL(url).origin}.`));
    });
    xhr.addEventListener('abort', () => {
      done();
      if (stalled) reject(new UploadError('NETWORK_ERROR', `No progress sending to ${new URL(url).origin}.`));
      else reject(new UploadError('ABORTED', 'The upload was cancelled.'));
    });
    xhr.send(form);
    watch();
  });
}

/** How long a send may go without progress by default (Chromium reports progress about every 50 ms). */
const STALL_MS = 30_000;

/** A `Retry-After` header in seconds (only the delay form: our server and Cloudinary send seconds). */
export function retryAfterSeconds(header: string | null): number | undefined {
  if (!header || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}
