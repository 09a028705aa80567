/**
 * When and how long to wait before trying a failed request again: jittered exponential backoff (AWS's "full
 * jitter", so many clients cut off by one outage do not come back in step), paused while the browser is offline.
 * One policy for every path (chunks, single requests, S3 parts), so they all behave alike on a bad network.
 */
import { UploadError } from '../errors.js';

export interface RetryPolicy {
  /** Tries after the first failure before the upload counts as failed. */
  attempts: number;
  /** The first wait's upper bound; each later one doubles it, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

/** About four minutes of trying in all: a café's network comes back within that, a dead server does not. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, baseMs: 500, maxMs: 30_000 };

/** The wait before try `attempt` (1-based): uniform in [baseMs/2, min(maxMs, baseMs·2^(attempt−1))]. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const floor = Math.min(ceiling, policy.baseMs / 2);
  return floor + random() * (ceiling - floor);
}

/**
 * Whether trying the same thing again soon can help: the network, a timeout, or the server's own trouble. Not a
 * rate limit: that is waited out once, as the answer says, by whoever sent the request.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof UploadError)) return false;
  if (error.code === 'NETWORK_ERROR' || error.code === 'REQUEST_TIMEOUT') return true;
  if (error.code === 'RATE_LIMITED') return false;
  // The signing endpoint could not be reached (fetch failed): the network again, unlike an answer it did give.
  if (error.code === 'SIGNING_FAILED') return error.cause instanceof TypeError;
  if (error.code === 'STORAGE_FULL') return false;
  const status = error.status ?? 0;
  return status >= 500 || status === 408;
}

/** Why an upload is not moving: the browser is offline, or a failed request waits its backoff. */
export type RetryWait = 'offline' | 'retrying';

/** The longest a rate limit is waited out before the upload counts as failed. */
export const MAX_RATE_WAIT_S = 60;

/** Whether the browser says it has no network (then waiting for `online` beats any timer). */
export function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/**
 * Waits before try `attempt`: until the browser is online again, then the backoff (or the server's `Retry-After`,
 * whichever is longer), telling `onWait` which (the person sees why nothing moves). Rejects with ABORTED when
 * `signal` aborts.
 */
export async function waitToRetry(
  attempt: number,
  policy: RetryPolicy,
  signal: AbortSignal,
  retryAfterS?: number,
  onWait?: (wait: RetryWait) => void,
): Promise<void> {
  if (isOffline()) {
    onWait?.('offline');
    await untilOnline(signal);
  }
  onWait?.('retrying');
  await sleep(Math.max(backoffMs(attempt, policy), (retryAfterS ?? 0) * 1000), signal);
}

/** Resolves at the browser's next `online` event (at once when online). */
export function untilOnline(signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!isOffline()) return resolve();
    const done = () => {
      window.removeEventListener('online', onOnline);
      signal.removeEventListener('abort', onAbort);
    };
    const onOnline = () => {
      done();
      resolve();
    };
    const onAbort = () => {
      done();
      reject(aborted());
    };
    window.addEventListener('online', onOnline);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * An AbortSignal that aborts with `parent`, and also when the browser goes offline: requests in flight then fail at
 * once instead of hanging until TCP gives up, and the retry waits for `online`. `release` detaches the listeners.
 */
export function roundSignal(parent: AbortSignal): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  const onOffline = () => controller.abort(new UploadError('NETWORK_ERROR', 'The browser went offline.'));
  parent.addEventListener('abort', onAbort, { once: true });
  if (typeof window !== 'undefined') window.addEventListener('offline', onOffline);
  if (parent.aborted) onAbort();
  return {
    signal: controller.signal,
    release() {
      parent.removeEventListener('abort', onAbort);
      if (typeof window !== 'undefined') window.removeEventListener('offline', onOffline);
    },
  };
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(aborted());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const aborted = () => new UploadError('ABORTED', 'The upload was cancelled.');
