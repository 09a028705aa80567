// The module embed loads its lazy chunks next to itself (import.meta.url), wherever it is hosted: here a page on one
// origin loads it from a nested, versioned path on another origin, as from a CDN. Every request must succeed.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';

const EMBED_DIR = fileURLToPath(new URL('../../dist/embed/', import.meta.url));
const CDN_PREFIX = '/npm/signet-upload@0.1.0/dist/embed/';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json', '.html': 'text/html' };

let cdn: Server;
let site: Server;
let browser: Browser;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

let cdnUrl = '';
let siteUrl = '';

beforeAll(async () => {
  // The "CDN": serves dist/embed only under a nested prefix; anything else (the site's root included) is a 404.
  cdn = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = path.startsWith(CDN_PREFIX) ? normalize(path.slice(CDN_PREFIX.length)) : '';
    if (!file || file.startsWith('..')) return res.writeHead(404).end();
    try {
      const body = await readFile(join(EMBED_DIR, file));
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'access-control-allow-origin': '*',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  cdnUrl = await listen(cdn);
  // The "site": one page that embeds the widget from the CDN, as the README shows. It uploads to Cloudinary (the
  // default `upload-url`), which the element never asks for a config, so every request here is one for the embed.
  site = createServer((req, res) => {
    if (req.url !== '/shop/upload.html') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>Shop</title>
      <script type="module" src="${cdnUrl}${CDN_PREFIX}signet-uploader.js"></script>
      <signet-uploader cloud-name="demo" sources="local url"></signet-uploader>`);
  });
  siteUrl = await listen(site);
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => cdn?.close(resolve));
  await new Promise((resolve) => site?.close(resolve));
});

test('the embed served from a nested path on another origin loads every chunk from there, with no failed request', async () => {
  const page = await browser.newPage();
  const failed: string[] = [];
  const scripts: string[] = [];
  page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.url()} ${response.status()}`);
    if (response.request().resourceType() === 'script') scripts.push(response.url());
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  await page.goto(`${siteUrl}/shop/upload.html`);
  // The Dashboard and the URL source are lazy chunks: seeing them means they were found.
  await page.locator('signet-uploader').first().hover(); // a person points at it: Uppy loads on intent
  await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor();
  await page.locator('signet-uploader [data-uppy-acquirer-id="Url"]').waitFor();

  expect(failed).toEqual([]);
  expect(errors).toEqual([]);
  // More than the entry was loaded, and all of it from the CDN's nested path.
  expect(scripts.length).toBeGreaterThan(1);
  for (const url of scripts) expect(url.startsWith(`${cdnUrl}${CDN_PREFIX}`), url).toBe(true);
  await page.close();
});
