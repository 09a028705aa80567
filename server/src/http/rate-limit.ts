/**
 * Rate limits as token buckets: `burst` requests at once, then `perMinute` on average. One bucket per key (a user,
 * a client address), kept in memory per process and forgotten once full again. Over the limit → 429 RATE_LIMITED
 * with `Retry-After` (whole seconds until a request would pass).
 */
import type { RequestHandler, Response } from 'express';
import { UploadError } from 'signet-upload/protocol';
import type { RateLimit, ServerConfig } from '../config.js';

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit, now: () => number) {
    this.#limit = limit;
    this.#now = now;
  }

  /** Takes one request for `key`: 0 when it may pass, else the seconds to wait. */
  take(key: string): number {
    const now = this.#now();
    const perMs = this.#limit.perMinute / 60_000;
    const stored = this.#buckets.get(key);
    const tokens = stored ? Math.min(this.#limit.burst, stored.tokens + (now - stored.at) * perMs) : this.#limit.burst;
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at: now });
      if (this.#buckets.size > 10_000) this.#forgetFull(now);
      return 0;
    }
    this.#buckets.set(key, { tokens, at: now });
    return Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
  }

  /** Buckets that refilled are the same as none. */
  #forgetFull(now: number): void {
    const perMs = this.#limit.perMinute / 60_000;
    for (const [key, bucket] of this.#buckets)
      if (bucket.tokens + (now - bucket.at) * perMs >= this.#limit.burst) this.#buckets.delete(key);
  }
}

/** Refuses with 429 (and Retry-After, from the error renderer) when `wait` (seconds) is above 0. */
export function assertWithinLimit(wait: number, what: string): void {
  if (wait > 0)
    throw new UploadError('RATE_LIMITED', `Too many ${what}; try again in ${wait} s.`, { retryAfter: wait });
}

/** The server's limiters, one per configured limit (null when that limit is off). */
export interface RateLimiters {
  signPerUser: RateLimiter | null;
  signPerAddress: RateLimiter | null;
  unsignedPerAddress: RateLimiter | null;
}

export function createRateLimiters(limits: ServerConfig['rateLimits'], now: () => number): RateLimiters {
  const make = (limit: RateLimit | null) => (limit ? new RateLimiter(limit, now) : null);
  return {
    signPerUser: make(limits.sign.perUser),
    signPerAddress: make(limits.sign.perAddress),
    unsignedPerAddress: make(limits.unsignedUploads.perAddress),
  };
}

/** A middleware taking one request from every limiter that applies, keyed by what `keys` says. */
export function rateLimit(
  limiters: readonly { limiter: RateLimiter | null; key: (res: Response, address: string) => string | null }[],
  what: string,
): RequestHandler {
  return (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? '';
    for (const { limiter, key } of limiters) {
      const name = limiter && key(res, address);
      if (!limiter || !name) continue;
      assertWithinLimit(limiter.take(name), what);
    }
    next();
  };
}
