/**
 * Random access to an upload's bytes for the checks that read more than the head (the PDF tail, a JPEG's segment
 * chain): the temp file, or, for a direct-to-S3 upload whose temp file holds only the first bytes, ranged reads of
 * the stored object beyond them.
 */
import { type FileHandle, open } from 'node:fs/promises';
import type { ByteSource } from 'signet-upload/protocol';
import type { Store } from '../stores/store.js';

export interface OpenSource extends ByteSource {
  close(): Promise<void>;
}

/**
 * `size` is the upload's size; `local` holds its first bytes (all of them unless `stored` is given). Reads never
 * go past `size`; a read the file cannot fill comes back short, which the PDF check treats as a changed file.
 */
export async function openSource(
  local: string,
  size: number,
  stored?: { store: Store; key: string },
): Promise<OpenSource> {
  const handle = await open(local, 'r');
  const localSize = stored ? (await handle.stat()).size : size;
  return {
    size,
    async read(offset, length) {
      const end = Math.min(offset + length, size);
      if (end <= localSize || !stored) return readHandle(handle, offset, end - offset);
      return readStore(stored.store, stored.key, offset, end - offset);
    },
    close: () => handle.close(),
  };
}

async function readHandle(handle: FileHandle, offset: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(Math.max(0, length));
  let filled = 0;
  // read() may return fewer bytes than asked (near EOF, on a signal): loop until filled or at the end.
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, offset + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

async function readStore(store: Store, key: string, offset: number, length: number): Promise<Uint8Array> {
  if (length <= 0) return new Uint8Array(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of (await store.open(key, { start: offset, end: offset + length - 1 })) as AsyncIterable<
    Buffer | string
  >) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(bytes);
    total += bytes.length;
    if (total >= length) break;
  }
  return new Uint8Array(Buffer.concat(chunks, total).subarray(0, length));
}
