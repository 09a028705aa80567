/**
 * Out of space, in one place: the errors a full disk or an exhausted quota raises, wherever the write was (a temp
 * file, chunk data, the disk store, the SQLite or PostgreSQL catalogue), become 507 STORAGE_FULL, which the Upload
 * API shows the official SDKs as 500 (http/errors.ts). The error renderer asks here, so no writer has to; a writer
 * only has to let the error through (or keep it as the `cause` of its own), and make folders with `makeDirectory`.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UploadError } from 'signet-upload/protocol';

/**
 * `code`s that mean "no room": the file system's (no space, no inode, over quota), SQLite's ("database or disk is
 * full"; the write is rolled back), PostgreSQL's `disk_full` class.
 */
const NO_ROOM: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100']);

/** How deep a chain of `cause`s is followed. */
const MAX_CAUSES = 8;

/** 507 STORAGE_FULL when `error` (or one of its causes) says the storage is full; else null. */
export function storageFull(error: unknown): UploadError | null {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && typeof current === 'object' && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && NO_ROOM.has(code))
      return new UploadError('STORAGE_FULL', 'The server is out of storage space; try again later.', { cause: error });
    current = cause;
  }
  return null;
}

/** The underlying error's own words, for the operator's log (never the client's answer). */
export function describeStorageFull(error: UploadError): string {
  const cause = error.cause;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * `mkdir -p` that keeps the real error: Node's recursive mkdir reports ENOSPC (no inode left) and EROFS as ENOENT
 * (https://github.com/nodejs/node/issues/47098, open; the synchronous form was fixed by nodejs/node#42811), which
 * would turn a full disk into a 500. A plain mkdir of the folder, then of its parents only when they are missing.
 */
export async function makeDirectory(path: string, mode?: number): Promise<void> {
  try {
    await mkdir(path, { mode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true, mode });
    await mkdir(path, { mode }).catch((again: NodeJS.ErrnoException) => {
      if (again.code !== 'EEXIST') throw again;
    });
  }
}
