// The demo's media library in real Chromium against the built `signet-server` (issue 16): a folder's count is what it
// shows (sub-folders included), search by public ID and name and the tag filter ignore letter case, sorting, thumbnails
// and the delivery URL to copy, approve and reject in the page, delete after a confirmation, no "Copy URL" for what is
// not delivered, and a phone layout (375 px) with nothing wider than the screen. The page calls only the documented
// page API, which the last test checks from the requests it made.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { makePng } from '../../server/test/fixtures/png.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

let server: BuiltServer;
let browser: Browser;
let demoToken: string;
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const SHOTS = process.env.LIBRARY_SHOTS ?? '.bench';

/** Uploads one file the way a page does: parameters signed by /api/sign (demo token), bytes to the Upload API. */
async function upload(params: Record<string, string>, data: Uint8Array, name: string) {
  const all = { timestamp: String(Math.floor(Date.now() / 1000)), ...params };
  const signing = await fetch(`${server.url}/api/sign`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${demoToken}` },
    body: JSON.stringify(all),
  });
  expect(signing.status).toBe(200);
  const { signature, api_key } = (await signing.json()) as { signature: string; api_key: string };
  const form = new FormData();
  for (const [key, value] of Object.entries({ ...all, api_key, signature })) form.append(key, value);
  form.append('file', new Blob([new Uint8Array(data)], { type: 'image/png' }), name);
  const response = await fetch(`${server.url}/v1_1/${server.credentials.cloud_name}/image/upload`, {
    method: 'POST',
    body: form,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { public_id: string; secure_url: string };
}

const pictures = {
  beach: makePng(40, 20),
  hike: makePng(30, 15),
  lake: makePng(20, 10),
  logo: makePng(10, 10),
  review: makePng(24, 12),
};

beforeAll(async () => {
  server = await startBuiltServer({ config: { presets: { review: { moderation: 'manual' } } } });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  demoToken = JSON.parse(await readFile(join(server.dataDir, 'credentials.json'), 'utf8')).demo_token;
  await upload({ public_id: 'trip/beach', display_name: 'Beach at noon', tags: 'Sunny,sea' }, pictures.beach, 'b.png');
  await upload({ public_id: 'trip/day-1/hike', display_name: 'Hike', tags: 'sunny' }, pictures.hike, 'h.png');
  await upload({ public_id: 'trip/day-1/lake', display_name: 'Lake', tags: 'water' }, pictures.lake, 'l.png');
  await upload({ public_id: 'brand/logo', display_name: 'Logo', tags: 'brand' }, pictures.logo, 'logo.png');
  await upload({ public_id: 'inbox/new', display_name: 'New', upload_preset: 'review' }, pictures.review, 'n.png');
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page of the library; every request it makes to the server is recorded as `METHOD /path?query`. */
async function openLibrary(
  context: BrowserContext,
  query = '',
): Promise<{ page: Page; errors: string[]; calls: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  const calls: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === server.url) calls.push(`${request.method()} ${url.pathname}${url.search}`);
  });
  await page.goto(`${server.url}/library.html${query}`);
  await expect.poll(() => page.locator('#who').textContent()).toBe('demo (admin)');
  await page.locator('#grid > li').first().waitFor();
  return { page, errors, calls };
}

const gridIds = (page: Page) =>
  page.locator('#grid > li').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.publicId));
const sortedGridIds = async (page: Page) => (await gridIds(page)).sort();
const folderCount = (page: Page, path: string) =>
  page.locator(`#tree button[data-path="${path}"]`).getAttribute('data-count').then(Number);
const tileOf = (page: Page, publicId: string) => page.locator(`#grid > li[data-public-id="${publicId}"]`);

test('a folder shows what its count says, sub-folders included; search, tag and sort; thumbnails and copying', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const { page, errors } = await openLibrary(context);

  const paths = await page
    .locator('#tree button')
    .evaluateAll((buttons) => buttons.map((x) => (x as HTMLElement).dataset.path));
  expect(paths).toEqual(['', 'brand', 'inbox', 'trip', 'trip/day-1']);
  expect(await folderCount(page, '')).toBe(5);
  // "trip" holds one asset itself and two in trip/day-1: its count is 3, and so is what it shows.
  expect(await folderCount(page, 'trip')).toBe(3);
  await page.locator('#tree button[data-path="trip"]').click();
  await expect.poll(() => sortedGridIds(page)).toEqual(['trip/beach', 'trip/day-1/hike', 'trip/day-1/lake']);
  expect(await page.locator('#current-folder').textContent()).toBe('in trip');
  await page.locator('#tree button[data-path="trip/day-1"]').click();
  await expect.poll(() => sortedGridIds(page)).toEqual(['trip/day-1/hike', 'trip/day-1/lake']);
  expect(await folderCount(page, 'trip/day-1')).toBe(2);

  // Search by name, ignoring case, in every folder; the counts follow the search.
  await page.locator('#tree button[data-path=""]').click();
  await page.locator('#search').fill('BEACH');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect.poll(() => gridIds(page)).toEqual(['trip/beach']);
  await expect.poll(() => folderCount(page, '')).toBe(1);
  expect(await page.locator('#tree button[data-path="brand"]').count()).toBe(0);
  // The tag filter ignores case too.
  await page.locator('#search').fill('');
  await page.locator('#tag').fill('SUNNY');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect.poll(() => sortedGridIds(page)).toEqual(['trip/beach', 'trip/day-1/hike']);
  await expect.poll(() => folderCount(page, 'trip')).toBe(2);
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect.poll(() => gridIds(page).then((ids) => ids.length)).toBe(5);

  // Sorting applies at once.
  await page.locator('#sort').selectOption('name');
  await expect
    .poll(() => gridIds(page))
    .toEqual(['brand/logo', 'inbox/new', 'trip/beach', 'trip/day-1/hike', 'trip/day-1/lake']);
  await page.locator('#sort').selectOption('largest');
  await expect.poll(() => gridIds(page).then((ids) => ids[0])).toBe('trip/beach');

  // Thumbnails load from the delivery URL, which Copy URL puts on the clipboard.
  const beach = tileOf(page, 'trip/beach');
  await expect.poll(() => beach.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(40);
  const src = (await beach.locator('img').getAttribute('src')) as string;
  expect(sha256(new Uint8Array(await (await fetch(src)).arrayBuffer()))).toBe(sha256(pictures.beach));
  await beach.getByRole('button', { name: 'Copy URL' }).click();
  await expect.poll(() => beach.getByRole('button', { name: 'Copied' }).count()).toBe(1);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(src);
  expect(await beach.locator('.tags').textContent()).toBe('#Sunny #sea');

  // The view is in the address: a reload shows the same.
  await page.reload();
  await expect.poll(() => page.locator('#sort').inputValue()).toBe('largest');
  await page.screenshot({ path: join(SHOTS, 'library-desktop.png'), fullPage: true });
  expect(errors).toEqual([]);
  await context.close();
});

test('an admin approves and rejects in the page; rejected assets offer no URL; delete asks first', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const { page, errors } = await openLibrary(context, '?sort=name');

  const pending = tileOf(page, 'inbox/new');
  expect(await pending.locator('.status').textContent()).toBe('pending');
  await page.locator('#status').selectOption('pending');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect.poll(() => gridIds(page)).toEqual(['inbox/new']);
  await pending.getByRole('button', { name: 'Approve' }).click();
  await expect.poll(() => gridIds(page)).toEqual([]);
  await expect.poll(() => page.locator('#message').textContent()).toBe('inbox/new approved.');
  await page.locator('#status').selectOption('');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect.poll(() => tileOf(page, 'inbox/new').locator('.status').textContent()).toBe('approved');

  // Rejected: not delivered, so no thumbnail from its URL and no URL to copy; approving brings both back.
  const logo = tileOf(page, 'brand/logo');
  await logo.getByRole('button', { name: 'Reject' }).click();
  await expect.poll(() => tileOf(page, 'brand/logo').locator('.status').textContent()).toBe('rejected');
  expect(await tileOf(page, 'brand/logo').getByRole('button', { name: 'Copy URL' }).count()).toBe(0);
  expect(await tileOf(page, 'brand/logo').locator('img').count()).toBe(0);
  expect(await tileOf(page, 'brand/logo').locator('.thumb').textContent()).toBe('not delivered');
  await tileOf(page, 'brand/logo').getByRole('button', { name: 'Approve' }).click();
  await expect.poll(() => tileOf(page, 'brand/logo').getByRole('button', { name: 'Copy URL' }).count()).toBe(1);

  // Delete: cancel keeps it; confirming removes it from the page, the counts and the server.
  const lake = tileOf(page, 'trip/day-1/lake');
  await lake.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.locator('#confirm-delete');
  await expect.poll(() => dialog.evaluate((d: HTMLDialogElement) => d.open)).toBe(true);
  expect(await page.locator('#confirm-name').textContent()).toBe('trip/day-1/lake');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(await lake.count()).toBe(1);
  const url = (await lake.locator('img').getAttribute('src')) as string;
  await lake.getByRole('button', { name: 'Delete' }).click();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => lake.count()).toBe(0);
  await expect.poll(() => page.locator('#message').textContent()).toBe('Deleted trip/day-1/lake.');
  await expect.poll(() => folderCount(page, 'trip')).toBe(2);
  expect((await fetch(url)).status).toBe(404);
  expect(errors).toEqual([]);
  await context.close();
});

test('on a phone (375 px) nothing is wider than the screen; folders fold away above the assets', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const { page, errors, calls } = await openLibrary(context);
  const widest = () => page.evaluate(() => document.documentElement.scrollWidth);
  expect(await widest()).toBeLessThanOrEqual(375);
  // Folded at first, so the assets come first into view; two tiles a row.
  expect(await page.locator('#folders-panel').evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
  const boxes = await page
    .locator('#grid > li')
    .evaluateAll((items) => items.slice(0, 2).map((li) => li.getBoundingClientRect().top));
  expect(boxes[0]).toBe(boxes[1]);
  await page.screenshot({ path: join(SHOTS, 'library-phone.png'), fullPage: true });

  await page.locator('#folders-panel > summary').click();
  await page.locator('#tree button[data-path="trip"]').click();
  await expect.poll(() => page.locator('#folders-panel').evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
  await expect.poll(() => page.locator('#folder-summary').textContent()).toBe('trip');
  await expect.poll(() => sortedGridIds(page)).toEqual(['trip/beach', 'trip/day-1/hike']);
  expect(await widest()).toBeLessThanOrEqual(375);

  // The delete confirmation fits the screen as well.
  await tileOf(page, 'trip/beach').getByRole('button', { name: 'Delete' }).click();
  const box = await page.locator('#confirm-delete').boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true);
  await page.screenshot({ path: join(SHOTS, 'library-phone-delete.png') });
  await page.locator('#confirm-delete').getByRole('button', { name: 'Cancel' }).click();
  expect(await widest()).toBeLessThanOrEqual(375);

  // Only the page API the server documents: /api/me, /api/folders, /api/assets (and the delivery URLs).
  const api = calls.filter((call) => call.includes(' /api/'));
  expect(api.every((call) => /^(GET \/api\/(me|folders|assets)|POST \/api\/assets\/)/.test(call))).toBe(true);
  expect(errors).toEqual([]);
  await context.close();
});

test('without the demo cookie the library API still answers the demo (public listing in demo mode)', async () => {
  const folders = (await (await fetch(`${server.url}/api/folders`)).json()) as {
    folders: { path: string; total_count: number }[];
  };
  expect(folders.folders.map((folder) => folder.path)).toEqual(['brand', 'inbox', 'trip']);
  const me = await fetch(`${server.url}/api/me`);
  expect(me.status).toBe(401);
  const anonymous = await fetch(`${server.url}/api/assets/image/trip/beach/delete`, { method: 'POST' });
  expect(anonymous.status).toBe(401);
});
