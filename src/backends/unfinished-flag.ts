/**
 * Whether any unfinished upload is remembered (unfinished.ts keeps the records in IndexedDB and this flag beside
 * them): one synchronous read at connect time, so pages with nothing to resume never open the database.
 */
export const UNFINISHED_FLAG = 'signet-upload:unfinished';

/** False also where storage is blocked (sandboxed frames, some private modes): then nothing was remembered. */
export function anyUnfinished(): boolean {
  try {
    return localStorage.getItem(UNFINISHED_FLAG) !== null;
  } catch {
    return false;
  }
}
