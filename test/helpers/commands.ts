// Vitest browser commands: run in Node on behalf of a browser test, to look at what the server left on disk.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserCommand } from 'vitest/node';
import { onePagePdf, qpdfEncryption, qpdfOk } from '../../server/test/fixtures/pdf.js';

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

/** A one-page PDF, password-protected by qpdf (AES-256) when `encrypted`; base64, checked by qpdf itself. */
export const makePdf: BrowserCommand<[encrypted: boolean]> = async (_context, encrypted) => {
  const plain = onePagePdf();
  if (!encrypted) return plain.toString('base64');
  const dir = await mkdtemp(join(tmpdir(), 'signet-pdf-'));
  try {
    await writeFile(join(dir, 'in.pdf'), plain);
    qpdfOk('--encrypt', 'user', 'owner', '256', '--', join(dir, 'in.pdf'), join(dir, 'out.pdf'));
    if (!qpdfEncryption(join(dir, 'out.pdf')).encrypted) throw new Error('qpdf did not encrypt the fixture');
    return (await readFile(join(dir, 'out.pdf'))).toString('base64');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    tempFileCount(dataDir: string): Promise<number>;
    makePdf(encrypted: boolean): Promise<string>;
  }
}
