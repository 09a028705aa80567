// Issue 13 on the built demo, as a new user tries it in Chromium: outcomes that tell the truth (case 1), links refused
// in our words (4), only the sources the server can serve (5), the server's own limits stated and kept before sending
// (7), and a phone at 375×740 (9).
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { makePng } from '../../server/test/fixtures/png.js';
import { en } from '../../src/locales/en.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

let server: BuiltServer;
let small: BuiltServer;
let browser: Browser;

beforeAll(async () => {
  [server, small] = await Promise.all([
    startBuiltServer(),
    // A server whose limit a photo can exceed.
    startBuiltServer({ config: { limits: { maxFileSize: 50_000 } } }),
  ]);
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), small?.stop()]);
});

const fileInput = 'signet-uploader input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])';

async function openDemo(on: BuiltServer, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(on.url);
  await page.locator('signet-uploader').first().hover(); // a person points at it: Uppy loads on intent
  await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor();
  // demo.js sets upload-url from the server's config; the element then learns the server's sources and limit.
  await expect.poll(() => page.locator('signet-uploader .uppy-Dashboard-note').textContent()).toContain('each');
  Object.assign(page, { errors });
  return page;
}

const results = (page: Page) =>
  page.locator('signet-uploader [part="results-list"] > li').evaluateAll((items) =>
    items.map((li) => ({
      status: (li as HTMLElement).dataset.status,
      state: li.querySelector('.state')?.textContent?.trim(),
      name: li.querySelector('.name')?.textContent?.trim(),
      text: li.textContent?.replace(/\s+/g, ' ').trim() ?? '',
    })),
  );

/** Whether a locator's whole box is inside the viewport. */
async function onScreen(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  const size = page.viewportSize();
  return Boolean(box && size && box.y >= -1 && box.y + box.height <= size.height + 1 && box.height > 0);
}

const png = (seed: number) => ({ name: `photo-${seed}.png`, mimeType: 'image/png', buffer: makePng(16 + seed, 12) });

test('case 1: a second batch to a taken public ID reads "Already existed", the demo says so, the library keeps the first bytes', async () => {
  const page = await openDemo(server);
  const id = `walk-trip-${Date.now().toString(36)}`;
  const panel = page.locator('signet-uploader signet-advanced-options');
  await panel.locator('#public-id').fill(id);
  await page.locator(fileInput).setInputFiles([png(1), png(2), png(3)]);
  await page.getByRole('button', { name: /upload 3 files/i }).click();
  await expect
    .poll(() => results(page).then((r) => r.map((x) => x.state)))
    .toEqual(['Uploaded', 'Uploaded', 'Uploaded']);
  await expect.poll(() => page.locator('#last-event').textContent()).toMatch(/^Stored /);

  await page.locator(fileInput).setInputFiles([png(4), png(5)]);
  await page.getByRole('button', { name: /upload 2 files/i }).click();
  await expect
    .poll(() => results(page).then((r) => r.map((x) => x.state)))
    .toEqual(['Already existed', 'Already existed']);
  const lines = await results(page);
  expect(lines.map((x) => x.name)).toEqual(['photo-4.png', 'photo-5.png']);
  expect(lines[0]?.text).toContain(en.outcomes.existingDetail);
  await expect.poll(() => page.locator('#last-event').textContent()).toContain('already existed: kept the stored file');
  expect(await page.locator('signet-uploader [part="summary"]').textContent()).toBe('2 already existed');
  expect(await onScreen(page, 'signet-uploader [part="results-list"] > li:last-child')).toBe(true);

  const { resources } = (await (await fetch(`${server.url}/api/assets?limit=100`)).json()) as {
    resources: { public_id: string; width: number }[];
  };
  const mine = resources
    .filter((r) => r.public_id.startsWith(id))
    .sort((a, b) => a.public_id.localeCompare(b.public_id));
  // The first batch's images (17, 18 and 19 pixels wide), not the second's.
  expect(mine.map((r) => [r.public_id, r.width])).toEqual([
    [`${id}_1`, 17],
    [`${id}_2`, 18],
    [`${id}_3`, 19],
  ]);
  expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  await page.close();
});

test('case 4: refused links say why in our words, with no product name; nothing joins the queue', async () => {
  const page = await openDemo(server);
  await page.locator('signet-uploader [data-uppy-acquirer-id="Url"]').click();
  const input = page.locator('signet-uploader .uppy-Url-input');
  const importLink = async (link: string) => {
    await input.fill(link);
    await page.locator('signet-uploader .uppy-Url-importButton').click();
  };
  await importLink('http://169.254.169.254/latest/meta-data/');
  await importLink('http://127.0.0.1:9/photo.png');
  await importLink('not a link');
  await importLink('http://unreachable.invalid/photo.png');
  await expect.poll(() => results(page).then((r) => r.length), { timeout: 30_000 }).toBe(4);
  const byName = Object.fromEntries((await results(page)).map((r) => [r.name, r]));
  expect(byName['http://169.254.169.254/latest/meta-data/']?.text).toContain(en.errors.URL_FORBIDDEN);
  expect(byName['http://169.254.169.254/latest/meta-data/']?.text).toContain('URL_FORBIDDEN');
  expect(byName['http://127.0.0.1:9/photo.png']?.text).toContain(en.errors.URL_FORBIDDEN);
  // The Url plugin puts "http://" in front of what it was given, and the server finds no address in that.
  expect(byName['http://not a link']?.text).toContain(en.remote.malformedUrl);
  expect(byName['http://unreachable.invalid/photo.png']?.text).toContain(en.errors.URL_UNREACHABLE);
  for (const line of await results(page)) expect(line).toMatchObject({ status: 'refused', state: 'Not added' });
  const widgetText = await page.locator('signet-uploader').evaluate((el) => el.shadowRoot?.textContent ?? '');
  expect(widgetText).not.toMatch(/companion/i);
  expect(await page.evaluate(() => document.querySelector('signet-uploader')?.uppy?.getFiles().length)).toBe(0);
  await page.close();
});

test('case 5: the demo asks for local, link and Dropbox; a server without Dropbox keys offers no Dropbox tab', async () => {
  const page = await openDemo(server);
  const tabs = () =>
    page
      .locator('signet-uploader .uppy-DashboardTab')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-uppy-acquirer-id')));
  await expect.poll(tabs).toEqual(['MyDevice', 'Url']);
  expect(await page.locator('signet-uploader').getAttribute('sources')).toBe('local url dropbox');
  await page.close();
});

test("case 7: the drop zone states the server's own limit; a larger file is refused at once and never sent", async () => {
  const page = await openDemo(small);
  expect(await page.locator('signet-uploader .uppy-Dashboard-note').textContent()).toBe(
    'Any type of file · Up to 50 kB each',
  );
  // Said in the drop zone itself: whoever sees where to drop sees the limits with it.
  await page.locator('signet-uploader .uppy-Dashboard-AddFiles').scrollIntoViewIfNeeded();
  expect(await onScreen(page, 'signet-uploader .uppy-Dashboard-AddFiles-title')).toBe(true);
  expect(await onScreen(page, 'signet-uploader .uppy-Dashboard-note')).toBe(true);
  await page.evaluate(() => scrollTo(0, 0));
  const uploads: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/v1_1/')) uploads.push(request.url());
  });
  await page
    .locator(fileInput)
    .setInputFiles([{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(60_000, 7) }]);
  await expect
    .poll(() => results(page))
    .toEqual([expect.objectContaining({ status: 'refused', state: 'Not added', name: 'big.bin' })]);
  expect((await results(page))[0]?.text).toContain('It is larger than the limit of 50 kB.');
  // Under the drop zone, brought into view (it starts below the fold at 1280×800).
  await expect.poll(() => onScreen(page, 'signet-uploader [part="results-list"] > li')).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(uploads).toEqual([]);
  await page.close();
});

test('case 9: on a 375×740 phone the Upload button is on screen after picking, the panel folds, and results read true', async () => {
  const page = await openDemo(server, { width: 375, height: 740 });
  const toggle = page.locator('signet-uploader signet-advanced-options [part="toggle"]');
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  await page.locator(fileInput).setInputFiles([png(6), png(7), png(8)]);
  const upload = page.getByRole('button', { name: /upload 3 files/i });
  await upload.waitFor();
  await expect.poll(() => onScreen(page, 'signet-uploader .uppy-StatusBar-actionBtn--upload')).toBe(true);
  // Folded while the files wait, and the person can unfold (and fold) it again.
  expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  await toggle.click();
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  await toggle.click();
  expect(await toggle.getAttribute('aria-expanded')).toBe('false');

  await upload.click();
  await expect
    .poll(() => results(page).then((r) => r.map((x) => x.state)))
    .toEqual(['Uploaded', 'Uploaded', 'Uploaded']);
  await expect.poll(() => onScreen(page, 'signet-uploader [part="summary"]')).toBe(true);
  const widgetText = await page.locator('signet-uploader').evaluate((el) => el.shadowRoot?.textContent ?? '');
  expect(widgetText).not.toMatch(/0 files selected/);
  // Nothing in the widget is wider than the phone.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.close();
});
