// Folder trees into the built demo, as a person does it: dropping a real folder (a real FileSystemDirectoryEntry,
// via Chromium's own drag-and-drop input) and picking one through the opt-in folder picker.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { makePng } from '../../server/test/fixtures/png.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

let server: BuiltServer;
let browser: Browser;
let dir: string;
const a = makePng(20, 10);
const b = makePng(30, 15);

beforeAll(async () => {
  server = await startBuiltServer();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  // trip/day-1/a.png, trip/day-2/b.png and an empty trip/empty/
  dir = await mkdtemp(join(tmpdir(), 'signet-tree-'));
  await mkdir(join(dir, 'trip', 'day-1'), { recursive: true });
  await mkdir(join(dir, 'trip', 'day-2'), { recursive: true });
  await mkdir(join(dir, 'trip', 'empty'), { recursive: true });
  await writeFile(join(dir, 'trip', 'day-1', 'a.png'), a);
  await writeFile(join(dir, 'trip', 'day-2', 'b.png'), b);
  // A camera's export: one sub-folder named with a space (the server's folder rule refuses it).
  await mkdir(join(dir, 'walk', 'Day 1'), { recursive: true });
  await mkdir(join(dir, 'walk', 'day-2'), { recursive: true });
  await writeFile(join(dir, 'walk', 'Day 1', 'a.png'), a);
  await writeFile(join(dir, 'walk', 'day-2', 'b.png'), b);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Asset {
  public_id: string;
  folder: string;
  secure_url: string;
}
const assets = async (): Promise<Asset[]> =>
  (await (await fetch(`${server.url}/api/assets?limit=500`)).json()).resources;
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

async function openDemo(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.locator('signet-uploader').first().hover(); // a person points at it: Uppy loads on intent
  await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor();
  return page;
}

/** Drops a real folder on the Dashboard through Chromium's own drag-and-drop input. */
async function dropFolder(page: Page, folder: string) {
  const target = page.locator('signet-uploader .uppy-Dashboard-inner');
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  if (!box) throw new Error('dashboard not visible');
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: [folder], dragOperationsMask: 1 };
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const)
    await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
}

async function uploadAndCheckTree(page: Page, before: Asset[]) {
  await expect
    .poll(() =>
      page.evaluate(() =>
        (document.querySelector('signet-uploader')?.uppy?.getFiles() ?? []).map((f) => f.meta.relativePath).sort(),
      ),
    )
    .toEqual(['trip/day-1/a.png', 'trip/day-2/b.png']);
  await page.getByRole('button', { name: /upload 2 files/i }).click();
  await expect.poll(() => page.locator('signet-uploader').getAttribute('status')).toBe('complete');
  const known = new Set(before.map((x) => x.public_id));
  const added = (await assets()).filter((x) => !known.has(x.public_id));
  expect(added.map((x) => x.folder).sort()).toEqual(['trip/day-1', 'trip/day-2']);
  for (const asset of added) {
    expect(asset.secure_url).toContain(`/${asset.folder}/`);
    const bytes = new Uint8Array(await (await fetch(asset.secure_url)).arrayBuffer());
    expect(sha256(bytes)).toBe(sha256(asset.folder.endsWith('day-1') ? a : b));
  }
  expect(added.some((x) => x.folder.includes('empty'))).toBe(false);
}

test('dropping a folder tree uploads every file into its own folder; the empty folder creates nothing', async () => {
  const page = await openDemo();
  const before = await assets();
  await dropFolder(page, join(dir, 'trip'));
  await uploadAndCheckTree(page, before);
  await page.close();
});

test('the opt-in folder picker (allow-folder-select) takes a whole tree the same way', async () => {
  const page = await openDemo();
  const before = await assets();
  await page.locator('signet-uploader input.uppy-Dashboard-input[webkitdirectory]').setInputFiles(join(dir, 'trip'));
  await uploadAndCheckTree(page, before);
  await page.close();
});

test('a dropped tree with a sub-folder named "Day 1": only it is held back, named, and one click adds it as Day_1', async () => {
  const page = await openDemo();
  const before = new Set((await assets()).map((x) => x.public_id));
  await dropFolder(page, join(dir, 'walk'));
  const held = page.locator('signet-uploader [part="results-list"] > li[data-status="held"]');
  await held.waitFor();
  expect(await held.textContent()).toContain('Folder “walk/Day 1” was held back (1 file)');
  await expect
    .poll(() =>
      page.evaluate(() =>
        document
          .querySelector('signet-uploader')
          ?.uppy?.getFiles()
          .map((f) => f.meta.relativePath),
      ),
    )
    .toEqual(['walk/day-2/b.png']);
  await page.getByRole('button', { name: /upload 1 file/i }).click();
  await expect.poll(() => page.locator('signet-uploader').getAttribute('status')).toBe('complete');

  await page.getByRole('button', { name: 'Rename to “walk/Day_1” and add' }).click();
  await page.getByRole('button', { name: /upload 1 file/i }).click();
  await expect.poll(() => page.locator('signet-uploader').getAttribute('status')).toBe('complete');
  const added = (await assets()).filter((x) => !before.has(x.public_id));
  expect(added.map((x) => x.folder).sort()).toEqual(['walk/Day_1', 'walk/day-2']);
  const day1 = added.find((x) => x.folder === 'walk/Day_1') as Asset;
  expect(sha256(new Uint8Array(await (await fetch(day1.secure_url)).arrayBuffer()))).toBe(sha256(a));
  await page.close();
});
