// Vitest browser commands: run in Node on behalf of a browser test, to look at what the server left on disk.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserCommand } from 'vitest/node';

async function countFiles(dir: string): Promise<number> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let n = 0;
  for (const entry of entries) n += entry.isDirectory() ? await countFiles(join(dir, entry.name)) : 1;
  return n;
}

/** Files under the server's temp folder: uploads in flight or left behind. */
export const tempFileCount: BrowserCommand<[dataDir: string]> = (_context, dataDir) => countFiles(join(dataDir, 'tmp'));

declare module 'vitest/browser' {
  interface BrowserCommands {
    tempFileCount(dataDir: string): Promise<number>;
  }
}
