// Drives the built demo like a person: choose a file through the widget's own file input, press Upload, see the
// new thumbnail in the grid. The server is the built `signet-server` CLI; the browser is real Chromium.
import { createHash } from 'node:crypto';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { makePng } from '../../server/test/fixtures/png.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

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

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

test('a person uploads a photo from the demo page and sees its thumbnail in the grid', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.url);
  await page.locator('signet-uploader').first().hover(); // a person points at it: Uppy loads on intent
  await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor();

  const png = makePng(64, 48);
  await page
    .locator('signet-uploader input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])')
    .setInputFiles({ name: 'holiday.png', mimeType: 'image/png', buffer: png });
  await page.getByRole('button', { name: /upload 1 file/i }).click();

  const thumbnail = page.locator('#grid li img');
  await thumbnail.waitFor();
  await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
  await expect.poll(() => page.locator('signet-uploader').getAttribute('status')).toBe('complete');

  const src = await thumbnail.getAttribute('src');
  expect(src).toMatch(new RegExp(`/${server.credentials.cloud_name}/image/upload/v\\d+/[a-z0-9]+\\.png$`));
  const delivered = new Uint8Array(await (await fetch(src as string)).arrayBuffer());
  expect(sha256(delivered)).toBe(sha256(png));
  await expect.poll(() => page.locator('#last-event').textContent()).toMatch(/^Stored /);
  expect(errors).toEqual([]);
  await page.screenshot({ path: '.bench/e2e-demo.png' });
  await page.close();
});

test('the demo page signs through its own server with the session cookie, never holding the secret', async () => {
  const page = await browser.newPage();
  const signRequests: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/sign')) signRequests.push(request.postData() ?? '');
  });
  const bodies: string[] = [];
  page.on('response', async (response) => {
    if (response.request().resourceType() !== 'image') bodies.push(await response.text().catch(() => ''));
  });
  await page.goto(server.url);
  await page.locator('signet-uploader').first().hover(); // a person points at it: Uppy loads on intent
  await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor();
  await page
    .locator('signet-uploader input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])')
    .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello signet\n') });
  await page.getByRole('button', { name: /upload 1 file/i }).click();
  await page.locator('#grid li[data-public-id$=".txt"]').waitFor();
  // One signature per upload, for exactly the widget's own parameters.
  expect(signRequests.length).toBe(1);
  for (const body of signRequests) expect(Object.keys(JSON.parse(body)).sort()).toEqual(['source', 'timestamp']);
  for (const body of bodies) expect(body).not.toContain(server.credentials.api_secret);
  await page.close();
});
