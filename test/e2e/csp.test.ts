// The widget under `Content-Security-Policy: default-src 'self'` (no unsafe-inline, no unsafe-eval): the built embed
// on a page served with that header uploads, and Chromium reports no script or style violation: the element's styles
// are adopted stylesheets, Uppy's CSS a constructable sheet, the Cloudinary layer's page styles too. Every request the
// page makes goes to its own origin, the one configured endpoint (the request log).
//
// Known, and only these: images the policy keeps out without breaking anything. Uppy's CSS draws its drop hint with a
// `data:` SVG, and its previews of chosen images are `blob:` URLs (`img-src` would need `data: blob:`); the drop zone
// and the upload work without them. KNOWN_IMAGE_BLOCKS names them, so any other violation fails the test.
import { readFile } from 'node:fs/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { makePng } from '../../server/test/fixtures/png.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

const POLICY = "default-src 'self'";
const KNOWN_IMAGE_BLOCKS = /^img-src (data|blob)$/;
const NPM_START = 'http://127.0.0.1:8787';
let server: BuiltServer;
let browser: Browser;

beforeAll(async () => {
  server = await startBuiltServer();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface Visit {
  page: Page;
  /** CSP violations the page reported, as `directive blocked` (`blob`, `data`, `inline`, `eval` or a URL). */
  violations(): Promise<string[]>;
  /** Console errors and page errors. */
  problems: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/** Opens a demo page served with the strict policy (the demo's session cookie signs its uploads). */
async function visit(path: string): Promise<Visit> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const visit: Visit = {
    page,
    problems: [],
    requests: [],
    violations: () =>
      page.evaluate(() => (window as unknown as { violations: string[] }).violations ?? []).catch(() => ['(gone)']),
  };
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { violations: string[] }).violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (error) => visit.problems.push(error.message));
  page.on('console', (message) => {
    const text = message.text();
    // Chromium says each violation in the console too; they are checked from the events.
    if (
      message.type() === 'error' &&
      !text.startsWith('Failed to load resource') &&
      !/Content Security Policy/.test(text)
    )
      visit.problems.push(text);
  });
  page.on('request', (request) => visit.requests.push(request.url()));
  await page.route(`${server.url}/${path}`, async (route) => {
    const body = (await readFile(new URL(`../../dist/demo/${path}`, import.meta.url), 'utf8')).replaceAll(
      NPM_START,
      server.url,
    );
    await route.fulfill({ contentType: 'text/html', headers: { 'content-security-policy': POLICY }, body });
  });
  // The demo's index hands out the session cookie the signing endpoint reads.
  await page.goto(server.url);
  visit.requests.length = 0;
  await page.goto(`${server.url}/${path}`);
  return visit;
}

/** Only the page's own origin, and nothing but http(s) from it (data: and blob: URLs never leave the page). */
function foreign(requests: readonly string[]): string[] {
  return requests.filter((url) => !/^(data|blob):/.test(url) && new URL(url).origin !== server.url);
}

test('the element: it renders and uploads with no script or style violation; every request stays on the page’s origin', async () => {
  const { page, problems, requests, violations } = await visit('csp.html');
  const policy = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
  expect(policy).toBe(POLICY);
  await page.locator('signet-uploader').first().hover(); // a person points at it: Uppy loads on intent
  const input = page.locator('signet-uploader input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])');
  await input.setInputFiles({ name: 'strict.png', mimeType: 'image/png', buffer: makePng(33, 12) });
  await page.getByRole('button', { name: /upload 1 file/i }).click();
  await expect
    .poll(() => page.locator('signet-uploader [part="results-list"] > li .state').allTextContents())
    .toEqual(['Uploaded']);
  // Uppy's look arrived (a constructable sheet): its dashboard is laid out by its CSS, not unstyled.
  const dashboard = page.locator('signet-uploader .uppy-Dashboard-inner');
  expect(await dashboard.evaluate((el) => getComputedStyle(el).position)).toBe('relative');
  const sheets = await page.evaluate(
    () => document.querySelector('signet-uploader')?.shadowRoot?.adoptedStyleSheets.length ?? 0,
  );
  expect(sheets).toBeGreaterThanOrEqual(2);
  expect((await violations()).filter((v) => !KNOWN_IMAGE_BLOCKS.test(v))).toEqual([]);
  expect(problems).toEqual([]);
  expect(requests.some((url) => url.includes('/v1_1/'))).toBe(true);
  expect(foreign(requests)).toEqual([]);
  await page.context().close();
});

test('the Cloudinary API (classic script): dialog, form input, thumbnail and palette under the policy', async () => {
  const { page, problems, requests, violations } = await visit('cloudinary/csp.html');
  await page.locator('#open').click();
  await page
    .locator('dialog[open] signet-uploader input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])')
    .setInputFiles({ name: 'global.png', mimeType: 'image/png', buffer: makePng(12, 12) });
  const upload = page.locator('dialog[open]').getByRole('button', { name: /upload 1 file/i });
  // styles.palette reached the element's Upload button through its custom properties.
  expect(await upload.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(122, 46, 142)');
  await upload.click();
  await expect.poll(() => page.locator('#results').textContent()).toContain('"event":"queues-end"');
  expect(await page.locator('#results').textContent()).toContain('"event":"success"');
  await expect.poll(() => page.locator('#photos input[type=hidden][name=photo]').count()).toBe(1);
  await expect.poll(() => page.locator('#photos li.cloudinary-thumbnail.active img').count()).toBe(1);
  // The page styles (a constructable sheet on the document) apply: Cloudinary's thumbnail list has no bullets.
  expect(await page.locator('ul.cloudinary-thumbnails').evaluate((el) => getComputedStyle(el).listStyleType)).toBe(
    'none',
  );
  expect((await violations()).filter((v) => !KNOWN_IMAGE_BLOCKS.test(v))).toEqual([]);
  expect(problems).toEqual([]);
  expect(foreign(requests)).toEqual([]);
  await page.context().close();
});
