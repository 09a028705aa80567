// The demo's media library in real Chromium against the built `signet-server`: the folder tree of what was uploaded,
// a grid filtered by folder and tag, thumbnails that load, and the delivery URL to copy.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { makePng } from '../../server/test/fixtures/png.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

let server: BuiltServer;
let browser: Browser;
const a = makePng(20, 10);
const b = makePng(30, 15);
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Uploads one file the way a page does: parameters signed by /api/sign (demo token), bytes to the Upload API. */
async function upload(token: string, params: Record<string, string>, data: Uint8Array, name: string) {
  const all = { timestamp: String(Math.floor(Date.now() / 1000)), ...params };
  const signing = await fetch(`${server.url}/api/sign`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
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

beforeAll(async () => {
  server = await startBuiltServer();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  const { demo_token } = JSON.parse(await readFile(join(server.dataDir, 'credentials.json'), 'utf8'));
  await upload(demo_token, { folder: 'trip/day-1', public_id: 'a', tags: 'sunny,beach' }, a, 'a.png');
  await upload(demo_token, { folder: 'trip/day-2', public_id: 'b', tags: 'rainy' }, b, 'b.png');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const gridIds = (page: Page) =>
  page.locator('#grid > li').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.publicId).sort());

test('shows the uploaded tree, filters by folder and tag, loads thumbnails and copies delivery URLs', async () => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.url}/library.html`);

  // Signed in through the demo cookie as the demo admin; the tree is trip → day-1, day-2, and nothing else.
  await expect.poll(() => page.locator('#who').textContent()).toBe('demo (admin)');
  await page.locator('#tree button[data-path="trip/day-2"]').waitFor();
  const paths = await page.locator('#tree button').evaluateAll((buttons) => buttons.map((x) => x.dataset.path));
  expect(paths).toEqual(['', 'trip', 'trip/day-1', 'trip/day-2']);
  expect(paths.some((path) => path?.includes('empty'))).toBe(false);
  const children = page.locator('#tree li:has(> button[data-path="trip"]) > ul > li > button');
  expect(await children.evaluateAll((buttons) => buttons.map((x) => x.dataset.path))).toEqual([
    'trip/day-1',
    'trip/day-2',
  ]);
  await expect.poll(() => gridIds(page)).toEqual(['trip/day-1/a', 'trip/day-2/b']);

  // A folder filters the grid to exactly that folder; its thumbnail loads from the folder-path delivery URL.
  await page.locator('#tree button[data-path="trip/day-1"]').click();
  await expect.poll(() => gridIds(page)).toEqual(['trip/day-1/a']);
  expect(await page.locator('#current-folder').textContent()).toBe('in trip/day-1');
  const thumbnail = page.locator('#grid > li img');
  await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(20);
  const src = (await thumbnail.getAttribute('src')) as string;
  expect(src).toMatch(
    new RegExp(`^${server.url}/${server.credentials.cloud_name}/image/upload/v\\d+/trip/day-1/a\\.png$`),
  );
  expect(sha256(new Uint8Array(await (await fetch(src)).arrayBuffer()))).toBe(sha256(a));
  expect(await page.locator('#grid > li .tags').textContent()).toBe('#sunny #beach');
  expect(await page.locator('#grid > li .status').textContent()).toBe('active');

  // Copy URL carries the delivery URL, and puts it on the clipboard.
  const copy = page.locator('#grid > li button.copy');
  expect(await copy.getAttribute('data-url')).toBe(src);
  await copy.click();
  await expect.poll(() => copy.textContent()).toBe('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(src);

  // "trip" itself holds no asset (the folder filter is exact); the other day holds the other one.
  await page.locator('#tree button[data-path="trip"]').click();
  await expect.poll(() => page.locator('#empty').isVisible()).toBe(true);
  await page.locator('#tree button[data-path="trip/day-2"]').click();
  await expect.poll(() => gridIds(page)).toEqual(['trip/day-2/b']);
  await expect
    .poll(() => page.locator('#grid > li img').evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBe(30);

  // The tag filter, across all folders, then cleared.
  await page.locator('#tree button[data-path=""]').click();
  await page.locator('#tag').fill('rainy');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect.poll(() => gridIds(page)).toEqual(['trip/day-2/b']);
  await page.locator('#tag').fill('sunny');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect.poll(() => gridIds(page)).toEqual(['trip/day-1/a']);
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect.poll(() => gridIds(page)).toEqual(['trip/day-1/a', 'trip/day-2/b']);

  expect(errors).toEqual([]);
  await page.screenshot({ path: '.bench/e2e-library.png' });
  await context.close();
});

test('without the demo cookie the library API still answers the demo (public listing in demo mode)', async () => {
  const folders = (await (await fetch(`${server.url}/api/folders`)).json()) as {
    folders: { path: string; total_count: number; children: { path: string; asset_count: number }[] }[];
  };
  expect(folders.folders).toEqual([
    expect.objectContaining({
      path: 'trip',
      total_count: 2,
      children: [
        expect.objectContaining({ path: 'trip/day-1', asset_count: 1 }),
        expect.objectContaining({ path: 'trip/day-2', asset_count: 1 }),
      ],
    }),
  ]);
  const me = await fetch(`${server.url}/api/me`);
  expect(me.status).toBe(401);
});
