/**
 * Housekeeping on start and on a timer: expire idle chunked uploads, remove temp files a crash left behind, and
 * forget used signatures that can no longer be replayed anyway.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { nowSeconds, type ServerContext } from './context.js';

export async function sweep(ctx: ServerContext): Promise<void> {
  await ctx.sessions.sweep();
  await sweepTemp(ctx);
  await ctx.catalog.signatures.purge(nowSeconds(ctx));
}

/** A temp upload untouched for longer than the chunk TTL belongs to no live request. */
async function sweepTemp(ctx: ServerContext): Promise<void> {
  const maxIdleMs = ctx.config.limits.chunkTtlSeconds * 1000;
  for (const name of await readdir(ctx.paths.tmpDir).catch(() => [] as string[])) {
    if (!name.startsWith('upload-')) continue;
    const path = join(ctx.paths.tmpDir, name);
    const info = await stat(path).catch(() => null);
    if (info && ctx.now() - info.mtimeMs > maxIdleMs) await rm(path, { force: true });
  }
}

/** How often the timer sweeps: often enough to honour the TTL roughly, never more than once a minute. */
export function sweepIntervalMs(ctx: ServerContext): number {
  return Math.min(Math.max(ctx.config.limits.chunkTtlSeconds * 250, 1000), 60_000);
}
