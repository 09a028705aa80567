/**
 * Temp files: incoming bytes land here first, never in the store, and are hashed while they stream. Each belongs to
 * the request that named it from `tempPath` until `removeQuietly` lets it go; the sweep (sweep.ts) removes every
 * other one it finds, because a temp file nobody in this process holds was left by a request that died with an
 * earlier process (the data directory is one process's, as its SQLite catalogue and chunk leases are).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OffThreadMd5 } from './hasher.js';

export interface Written {
  bytes: number;
  /** MD5 hex: Cloudinary's `etag`. */
  md5: string;
}

/** What every temp upload file's name starts with, and nothing else in the temp directory's. */
export const TEMP_PREFIX = 'upload-';

// Paths, not handles: a path is named before its file exists and outlives the file's removal by a moment, so the
// sweep can never take a file between its creation and its registration.
const held = new Set<string>();

/** A fresh temp file path, held by the caller until it passes the path to `removeQuietly`. */
export function tempPath(tmpDir: string): string {
  const path = join(tmpDir, `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`);
  held.add(path);
  return path;
}

/** Whether a request in flight in this process holds the temp file at `path`. */
export function isHeld(path: string): boolean {
  return held.has(path);
}

/** Streams `source` into a new file (create-only, 0600), hashed on the way off the main thread (hasher.ts). */
export async function writeTemp(source: Readable, path: string): Promise<Written> {
  const hash = OffThreadMd5.create();
  let bytes = 0;
  try {
    await pipeline(
      source,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          await hash.update(chunk);
          bytes += chunk.length;
          yield chunk;
        }
      },
      // Large writes: fewer system calls per GiB (1 MiB measured up to twice as fast as the 16 KiB default).
      createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: WRITE_BUFFER }),
    );
    return { bytes, md5: await hash.digest() };
  } finally {
    hash.drop();
  }
}

const WRITE_BUFFER = 1024 * 1024;

/** MD5 of a whole file, for bytes that arrived in pieces. */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true, recursive: true }).catch(() => {});
  held.delete(path);
}
