/**
 * Where asset bytes live. Objects are immutable blobs under keys the server makes up (never a user's file name);
 * replacing an asset publishes a new key and deletes the old one.
 */
export interface ByteRange {
  start: number;
  /** Inclusive, like HTTP ranges. */
  end: number;
}

export interface Store {
  /**
   * Makes a complete local temp file durable under `key`, create-only: rejects if the key exists. On success the
   * temp file is consumed (gone); on failure it is left for the caller to remove.
   */
  publish(tempFile: string, key: string): Promise<void>;
  /** Reads an object, or a range of it; rejects when the key does not exist. */
  open(key: string, range?: ByteRange): Promise<NodeJS.ReadableStream>;
  /** Size in bytes, or null when the key does not exist. */
  size(key: string): Promise<number | null>;
  /** Removes an object; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every key, in no particular order (tests and sweeps). */
  list(): AsyncIterable<string>;
  /** Releases connections and timers, so a closed server lets Node exit. */
  close(): Promise<void>;
}

/** Keys are opaque to stores but never hold path characters, so every store may use them verbatim. */
export const STORE_KEY = /^[A-Za-z0-9_-]{8,128}$/;

export function assertStoreKey(key: string): void {
  if (!STORE_KEY.test(key)) throw new Error(`Invalid store key "${key.slice(0, 40)}".`);
}
