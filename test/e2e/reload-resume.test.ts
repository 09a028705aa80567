// Issue 17, page reload: a chunked upload on the built demo is interrupted by a reload after two of its five chunks
// reached the server; the page comes back, offers "An upload did not finish: holiday.bin", the person chooses the
// same file again, and only the missing chunks are sent: one asset whose bytes equal the file's. Discarding forgets
// the record; a file that only looks the same (same name and size, other bytes) starts over instead of corrupting
// the stored one. The chunk requests pass through Playwright's router, which cuts every one after the second (the
// widget retries them with backoff), so the reload always lands mid-upload with exactly two chunks on the server.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { en } from '../../src/locales/en.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

const MIB = 1024 * 1024;
const CHUNK = 5 * MIB; // the smallest chunk Cloudinary (and the server) take for all but the last
const SIZE = 4 * CHUNK + MIB; // five chunks

let server: BuiltServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  server = await startBuiltServer();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  dir = await mkdtemp(join(tmpdir(), 'signet-reload-'));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const fileInput = 'signet-uploader input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])';

/** A file on disk (the chooser gives it its real modification time, as a person's file has). */
async function diskFile(name: string, bytes: Buffer, mtime: Date): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  await utimes(path, mtime, mtime);
  return path;
}

/** The chunk requests the page sends: their session id and range. */
function chunkLog(page: Page): { id: string; range: string }[] {
  const log: { id: string; range: string }[] = [];
  page.on('request', (request) => {
    const range = request.headers()['content-range'];
    if (request.method() === 'POST' && range)
      log.push({ id: request.headers()['x-unique-upload-id'] ?? '', range: range.replace(/^bytes /, '') });
  });
  return log;
}

/** The delivery URL of the next file the element stores (its success event). */
function storedUrl(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve) =>
        document
          .querySelector('signet-uploader')
          ?.addEventListener(
            'signet-upload-success',
            (event) => resolve((event as Event & { response: { secure_url: string } }).response.secure_url),
            {
              once: true,
            },
          ),
      ),
  );
}

async function expectBytes(page: Page, url: string, bytes: Buffer): Promise<void> {
  const stored = Buffer.from(await (await page.request.get(url)).body());
  expect(stored.length).toBe(bytes.length);
  expect(createHash('sha256').update(stored).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
}

const range = (index: number) => `${index * CHUNK}-${Math.min(SIZE, (index + 1) * CHUNK) - 1}/${SIZE}`;

/** What the page remembers: the IndexedDB records and the flag beside them. */
function remembered(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('signet-upload', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('unfinished', { keyPath: 'uploadId' });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const records = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const request = db.transaction('unfinished').objectStore('unfinished').getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return { records, flag: localStorage.getItem('signet-upload:unfinished') };
  });
}

/**
 * Opens the demo, starts uploading `path` in 5 MiB chunks and reloads once two chunks are stored (the router cuts
 * every other chunk request, so none reaches the server). Returns the page, reloaded, and the session id the chunks carried.
 */
async function uploadThenReload(path: string): Promise<{ page: Page; session: string; passed: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  Object.assign(page, { errors });
  await page.goto(server.url);
  await page.locator('signet-uploader').first().hover();
  await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor();
  await expect.poll(() => page.locator('signet-uploader .uppy-Dashboard-note').textContent()).toContain('each');
  await page.locator('signet-uploader').evaluate((el, chunk) => {
    (el as HTMLElement & { chunkSize: number }).chunkSize = chunk;
  }, CHUNK);
  const log = chunkLog(page);
  const passed: string[] = [];
  let cutting = true;
  await page.route('**/v1_1/**/upload', async (route) => {
    const request = route.request();
    if (request.method() !== 'POST' || !request.headers()['content-range'] || !cutting) return route.continue();
    if (passed.length < 2) {
      passed.push(request.headers()['content-range']?.replace(/^bytes /, '') ?? '');
      return route.continue();
    }
    await route.abort('connectionreset'); // the network cut: retried with backoff until the reload
  });
  let stored = 0;
  page.on('requestfinished', (request) => {
    if (request.method() === 'POST' && request.headers()['content-range']) stored++;
  });
  await page.locator(fileInput).setInputFiles(path);
  await page.getByRole('button', { name: /upload 1 file/i }).click();
  await expect.poll(() => stored, { timeout: 60_000 }).toBe(2);
  await expect.poll(async () => (await remembered(page)).records.length).toBe(1);
  const session = log[0]?.id ?? '';
  expect(new Set(log.map((chunk) => chunk.id))).toEqual(new Set([session]));
  // The first chunk goes alone, then three middle ones at once: which of them got through varies.
  expect(passed[0]).toBe(range(0));
  expect([range(1), range(2), range(3)]).toContain(passed[1]);
  const { records, flag } = await remembered(page);
  expect(flag).toBe('1');
  // What is kept: the session, its chunk size, the unsigned parameters, the file's identity; never a signature.
  expect(records[0]).toMatchObject({ uploadId: session, chunkSize: CHUNK, name: 'holiday.bin', size: SIZE });
  expect(JSON.stringify(records[0])).not.toMatch(/signature|api_secret|timestamp/);
  expect(records[0]?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  // Reloaded while the cuts go on, so no retry slips through; the reloaded page's chunks pass.
  await page.reload();
  cutting = false;
  return { page, session, passed };
}

test('a reload mid-upload: the page offers to resume, the same file continues from the server’s offset, one asset with the same bytes', async () => {
  const bytes = randomBytes(SIZE);
  const path = await diskFile('holiday.bin', bytes, new Date('2026-11-30T10:00:00Z'));
  const { page, session, passed } = await uploadThenReload(path);
  const after = chunkLog(page);
  const signing: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/sign') signing.push(request.url());
  });

  // The offer, before anyone points at the element (nothing else of Uppy has loaded).
  const offer = page.locator('signet-uploader [part="resume"]');
  await expect
    .poll(() => offer.textContent().then((t) => t?.replace(/\s+/g, ' ').trim()))
    .toContain('An upload did not finish: holiday.bin.');
  expect(await page.locator('signet-uploader .uppy-Dashboard-inner').count()).toBe(0);
  // One file: the words say "the file", "it".
  expect((await offer.textContent())?.replace(/\s+/g, ' ')).toContain(en.resume.hintOne);
  expect((await page.locator('signet-uploader [part="resume-button"]').textContent())?.trim()).toBe(
    en.resume.chooseOne,
  );

  const success = storedUrl(page);
  const chooser = page.waitForEvent('filechooser');
  await page.locator('signet-uploader [part="resume-button"]').click();
  await (await chooser).setFiles(path);

  const url = await Promise.race([
    success,
    new Promise<string>((_, reject) =>
      setTimeout(async () => {
        const text = await page
          .locator('signet-uploader')
          .evaluate((el) => el.shadowRoot?.textContent?.replace(/\s+/g, ' '));
        reject(new Error(`no success within 60 s; after reload: ${JSON.stringify(after)}; element says: ${text}`));
      }, 60_000),
    ),
  ]);
  const line = page.locator('signet-uploader [part="results-list"] > li');
  await expect.poll(() => line.first().locator('.state').textContent()).toBe(en.outcomes.uploaded);
  // Only the chunks the server did not have, under the same session, signed anew through the signing endpoint.
  const missing = [0, 1, 2, 3, 4].map(range).filter((r) => !passed.includes(r));
  expect(after.map((chunk) => chunk.id)).toEqual(missing.map(() => session));
  expect(after.map((chunk) => chunk.range).sort()).toEqual(missing.sort());
  expect(after.at(-1)?.range).toBe(range(4)); // the last chunk last: it completes the file
  expect(signing.length).toBeGreaterThan(0);
  // One asset of that name, and its bytes are the file's.
  const assets = await page.evaluate(async () => (await (await fetch('/api/assets?limit=500')).json()).resources);
  const mine = assets.filter((a: { original_filename?: string }) => a.original_filename === 'holiday');
  expect(mine.map((a: { secure_url: string }) => a.secure_url)).toEqual([url]);
  await expectBytes(page, url, bytes);
  // Finished: nothing is remembered any more, and the offer is gone.
  await expect.poll(() => remembered(page)).toEqual({ records: [], flag: null });
  expect(await offer.count()).toBe(0);
  expect((page as unknown as { errors: string[] }).errors).toEqual([]);
});

test('discarding forgets the unfinished upload: no offer on the next load', async () => {
  const path = await diskFile('holiday.bin', randomBytes(SIZE), new Date('2026-11-30T11:00:00Z'));
  const { page } = await uploadThenReload(path);
  const offer = page.locator('signet-uploader [part="resume"]');
  await offer.waitFor();
  await page.locator('signet-uploader [part="resume-discard"]').click();
  expect(await offer.count()).toBe(0);
  await expect.poll(() => remembered(page)).toEqual({ records: [], flag: null });
  await page.reload();
  await page.locator('signet-uploader [part="base"]').waitFor({ state: 'attached' });
  await page.waitForLoadState('networkidle');
  expect(await offer.count()).toBe(0);
});

test('a file with the same name, size and date but other bytes does not continue the session: it starts over whole', async () => {
  const mtime = new Date('2026-11-30T12:00:00Z');
  const path = await diskFile('holiday.bin', randomBytes(SIZE), mtime);
  const { page, session } = await uploadThenReload(path);
  await page.locator('signet-uploader [part="resume"]').waitFor();
  const other = randomBytes(SIZE);
  await diskFile('holiday.bin', other, mtime);
  const after = chunkLog(page);
  const success = storedUrl(page);
  const chooser = page.waitForEvent('filechooser');
  await page.locator('signet-uploader [part="resume-button"]').click();
  await (await chooser).setFiles(path);
  // A new session from the first byte: nothing of the first file's chunks is mixed in.
  await expectBytes(page, await success, other);
  // The reloaded element has the default 20 MiB chunks (the remembered 5 MiB belonged to the session it did not take).
  expect(after.map((chunk) => chunk.range)).toEqual([`0-${20 * MIB - 1}/${SIZE}`, `${20 * MIB}-${SIZE - 1}/${SIZE}`]);
  expect(new Set(after.map((chunk) => chunk.id)).size).toBe(1);
  expect(after[0]?.id).not.toBe(session);
  // The unfinished session of the first file is still remembered (it can still be resumed with that file).
  expect((await remembered(page)).records.map((r) => r.uploadId)).toEqual([session]);
});
