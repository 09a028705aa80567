/**
 * Housekeeping on start and on a timer: expire idle chunked uploads, remove temp files a crash left behind, and
 * forget used signatures that can no longer be replayed anyway.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { nowSeconds, type ServerContext } from './context.js';
import { isHeld, TEMP_PREFIX } from './pipeline/temp.js';

export async function sweep(ctx: ServerContext): Promise<void> {
  await ctx.sessions.sweep();
  await sweepTemp(ctx);
  await ctx.catalog.signatures.purge(nowSeconds(ctx));
}

/**
 * Temp upload files that no request in flight holds (pipeline/temp.ts): at start that is every one, since a fresh
 * process holds none (a request killed with the process leaves its file, at any age); on the timer, any that a
 * request failed to let go of. Age decides nothing: a live upload that paused keeps its file, a dead one's
 * goes at once. Chunk sessions (`tmp/chunks`) are not temp files: they resume, and expire by their own TTL.
 * Companion's folder (`tmp/companion`) is Companion's.
 */
async function sweepTemp(ctx: ServerContext): Promise<void> {
  for (const name of await readdir(ctx.paths.tmpDir).catch(() => [] as string[])) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const path = join(ctx.paths.tmpDir, name);
    if (!isHeld(path)) await rm(path, { force: true, recursive: true });
  }
}

/** How often the timer sweeps: often enough to honour the TTL roughly, never more than once a minute. */
export function sweepIntervalMs(ctx: ServerContext): number {
  return Math.min(Math.max(ctx.config.limits.chunkTtlSeconds * 250, 1000), 60_000);
}
