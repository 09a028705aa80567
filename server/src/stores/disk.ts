/**
 * Store on the local disk: `<root>/<first two chars of key>/<key>`. Publishing is a hard link from the temp file
 * (create-only by nature) after fsyncing the data, then an fsync of the directory: a crash leaves either no object
 * or a whole one, and a failed publish (a full disk) leaves none. Errors keep their codes (ENOSPC, EDQUOT), so the
 * error renderer can tell a full disk (storage-errors.ts).
 */
import { link, open, readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeDirectory } from '../storage-errors.js';
import { assertStoreKey, type ByteRange, type Store } from './store.js';

export class DiskStore implements Store {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  async close(): Promise<void> {}

  async publish(tempFile: string, key: string): Promise<void> {
    const target = this.#path(key);
    await fsync(tempFile);
    await makeDirectory(dirname(target));
    await link(tempFile, target);
    try {
      await fsync(dirname(target));
    } catch (error) {
      // Not durably published: no object, rather than one a crash may still take away.
      await unlink(target).catch(() => {});
      throw error;
    }
    await unlink(tempFile);
  }

  async open(key: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    const path = this.#path(key);
    // Opening first turns a missing key into a rejection instead of a stream error later.
    const handle = await open(path, 'r');
    return handle.createReadStream({ start: range?.start, end: range?.end });
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.#path(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.#path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  async *list(): AsyncIterable<string> {
    for (const shard of await readdirOrEmpty(this.#root)) {
      for (const key of await readdirOrEmpty(join(this.#root, shard))) yield key;
    }
  }

  #path(key: string): string {
    assertStoreKey(key);
    return join(this.#root, key.slice(0, 2), key);
  }
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
