// The conformance suite every Store adapter must pass (disk today; S3 next). Call it from the adapter's test file.
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import type { Store } from '../../src/stores/store.js';

export interface StoreFixture {
  store: Store;
  /** Writes a complete local temp file the store may publish. */
  makeTempFile(data: Uint8Array): Promise<string>;
}

async function read(store: Store, key: string, range?: { start: number; end: number }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await store.open(key, range)) as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const exists = async (path: string): Promise<boolean> => (await stat(path).catch(() => null)) !== null;
const key = (): string => randomBytes(16).toString('hex');

export function describeStoreContract(name: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract: ${name}`, () => {
    test('publishes a temp file under a key, consuming the temp file', async () => {
      const { store, makeTempFile } = await factory();
      const data = randomBytes(4096);
      const temp = await makeTempFile(data);
      const k = key();
      await store.publish(temp, k);
      expect(await read(store, k)).toEqual(data);
      expect(await store.size(k)).toBe(4096);
      expect(await exists(temp)).toBe(false);
    });

    test('reads inclusive byte ranges', async () => {
      const { store, makeTempFile } = await factory();
      const data = randomBytes(1000);
      const k = key();
      await store.publish(await makeTempFile(data), k);
      expect(await read(store, k, { start: 0, end: 0 })).toEqual(data.subarray(0, 1));
      expect(await read(store, k, { start: 10, end: 19 })).toEqual(data.subarray(10, 20));
      expect(await read(store, k, { start: 990, end: 999 })).toEqual(data.subarray(990));
    });

    test('stores an empty object', async () => {
      const { store, makeTempFile } = await factory();
      const k = key();
      await store.publish(await makeTempFile(new Uint8Array(0)), k);
      expect(await store.size(k)).toBe(0);
      expect(await read(store, k)).toEqual(Buffer.alloc(0));
    });

    test('publish is create-only: an existing key is refused and keeps its bytes; the temp file stays', async () => {
      const { store, makeTempFile } = await factory();
      const k = key();
      const original = randomBytes(100);
      await store.publish(await makeTempFile(original), k);
      const temp = await makeTempFile(randomBytes(100));
      await expect(store.publish(temp, k)).rejects.toThrow();
      expect(await read(store, k)).toEqual(original);
      expect(await exists(temp)).toBe(true);
    });

    test('a missing key: size is null, open rejects, delete is fine', async () => {
      const { store } = await factory();
      const k = key();
      expect(await store.size(k)).toBeNull();
      await expect(store.open(k)).rejects.toThrow();
      await expect(store.delete(k)).resolves.toBeUndefined();
    });

    test('deletes an object', async () => {
      const { store, makeTempFile } = await factory();
      const k = key();
      await store.publish(await makeTempFile(randomBytes(10)), k);
      await store.delete(k);
      expect(await store.size(k)).toBeNull();
      await expect(store.open(k)).rejects.toThrow();
    });

    test('lists every key', async () => {
      const { store, makeTempFile } = await factory();
      const keys = [key(), key(), key()];
      for (const k of keys) await store.publish(await makeTempFile(randomBytes(8)), k);
      await store.delete(keys[1] as string);
      const listed: string[] = [];
      for await (const k of store.list()) listed.push(k);
      expect(listed.sort()).toEqual([keys[0], keys[2]].sort());
    });

    test.each(['../escape-attempt', 'a/b/c/d/e/f', 'short', ''])('refuses the key "%s"', async (bad) => {
      const { store, makeTempFile } = await factory();
      await expect(store.publish(await makeTempFile(randomBytes(8)), bad)).rejects.toThrow();
      await expect(store.open(bad)).rejects.toThrow();
    });
  });
}
