/**
 * Temp files: incoming bytes land here first, never in the store, and are hashed while they stream.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Written {
  bytes: number;
  /** MD5 hex: Cloudinary's `etag`. */
  md5: string;
}

export function tempPath(tmpDir: string): string {
  return join(tmpDir, `upload-${randomBytes(12).toString('hex')}`);
}

/** Streams `source` into a new file (create-only, 0600), hashing on the way; never holds the whole file. */
export async function writeTemp(source: Readable, path: string): Promise<Written> {
  const hash = createHash('md5');
  let bytes = 0;
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(path, { flags: 'wx', mode: 0o600 }),
  );
  return { bytes, md5: hash.digest('hex') };
}

/** MD5 of a whole file, for bytes that arrived in pieces. */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true, recursive: true }).catch(() => {});
}
