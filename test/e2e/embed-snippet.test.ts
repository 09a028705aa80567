// README "Embed with a <script> tag": the snippet works as written against `npm start`. The built server runs here on
// a free port instead of 8787, so that address is the one thing replaced; the page is served from the server's own
// origin (as demo/embed.html is by `npm start`), where the demo's session cookie signs the upload.
import { readFile } from 'node:fs/promises';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { makePng } from '../../server/test/fixtures/png.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

const NPM_START = 'http://127.0.0.1:8787';
let server: BuiltServer;
let browser: Browser;
let snippet = '';

beforeAll(async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Embed with a `<script>` tag'));
  snippet = /```html\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  server = await startBuiltServer();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('the README snippet is the page npm start serves at /embed.html', async () => {
  const page = await readFile(new URL('../../demo/embed.html', import.meta.url), 'utf8');
  const lines = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  expect(snippet).toContain(NPM_START);
  expect(lines(page).join('\n')).toContain(lines(snippet).join('\n'));
});

test('as written, it shows the widget with its limits and uploads a photo through a signed request', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    // The browser's own favicon request is the page's business, not the snippet's.
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico'))
      errors.push(`${response.status()} ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      errors.push(message.text());
  });
  // The snippet on a page of the server's origin; visiting the demo first gave the browser its session cookie.
  await page.goto(server.url);
  await page.route(`${server.url}/my-page.html`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><meta charset="utf-8"><title>My page</title>\n${snippet.replaceAll(NPM_START, server.url)}`,
    }),
  );
  await page.goto(`${server.url}/my-page.html`);
  await page.locator('signet-uploader').first().hover(); // a person points at it: Uppy loads on intent
  await expect
    .poll(() => page.locator('signet-uploader .uppy-Dashboard-note').textContent())
    .toBe('Accepted: images, PDF · Up to 52 MB each');
  await page
    .locator('signet-uploader input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])')
    .setInputFiles({ name: 'snippet.png', mimeType: 'image/png', buffer: makePng(40, 30) });
  await page.getByRole('button', { name: /upload 1 file/i }).click();
  await expect
    .poll(() => page.locator('signet-uploader [part="results-list"] > li .state').allTextContents())
    .toEqual(['Uploaded']);
  const { resources } = (await (await fetch(`${server.url}/api/assets?limit=10`)).json()) as {
    resources: { width: number; format: string }[];
  };
  expect(resources).toEqual([expect.objectContaining({ width: 40, format: 'png' })]);
  expect(errors).toEqual([]);
  await context.close();
});
