// The single classic script (signet-uploader.iife.js) does not carry the 730 KB HEIC decoder: when a HEIC photo is
// chosen it loads the module embed's `embed/heic.js` from beside itself. A page on the built server's origin embeds
// the script as the README shows; the photo, made here by heif-enc, joins the queue as a JPEG, and nothing fails
// (the decoder file must not load the module embed again, which would define the element twice).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

let server: BuiltServer;
let browser: Browser;
let heic: Buffer;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'signet-heic-'));
  const pixels = Buffer.alloc(48 * 32 * 3, 200);
  await writeFile(
    join(dir, 'photo.jpg'),
    execFileSync('cjpeg', [], { input: Buffer.concat([Buffer.from('P6\n48 32\n255\n'), pixels]) }),
  );
  execFileSync('heif-enc', ['-q', '80', '-o', join(dir, 'photo.heic'), join(dir, 'photo.jpg')]);
  heic = await readFile(join(dir, 'photo.heic'));
  await rm(dir, { recursive: true, force: true });
  server = await startBuiltServer();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('the single-file script converts a HEIC photo with the decoder beside it', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  const scripts: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    if (response.url().endsWith('.js')) scripts.push(new URL(response.url()).pathname);
  });
  // A page of the site, as the README embeds the script.
  await page.route(`${server.url}/shop.html`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>Shop</title><script src="/signet-uploader.iife.js"></script>
        <signet-uploader cloud-name="demo" upload-url="${server.url}"></signet-uploader>`,
    }),
  );
  await page.goto(`${server.url}/shop.html`);
  await page.locator('signet-uploader').hover();
  await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor();
  expect(scripts).not.toContain('/embed/heic.js'); // not before a HEIC photo is chosen
  await page
    .locator('signet-uploader input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])')
    .setInputFiles({ name: 'IMG_0003.HEIC', mimeType: 'image/heic', buffer: heic });
  await expect.poll(() => page.locator('signet-uploader .uppy-Dashboard-Item-name').textContent()).toBe('IMG_0003.jpg');
  expect(scripts).toContain('/embed/heic.js');
  expect(scripts.filter((path) => path.startsWith('/embed/signet-uploader'))).toEqual([]);
  expect(problems).toEqual([]);
});
