// Web URL import in Chromium, from the built demo: a person turns on the Link source, chooses a folder, a tag and a
// public ID, pastes the address of a file on a loopback server (test config: allowLocalUrls, NODE_ENV=test) and
// uploads it. Companion fetches it and posts it with the per-file signed fields to the Upload API.
import { createHash } from 'node:crypto';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { makePng } from '../../server/test/fixtures/png.js';
import { type RemoteServer, serve, startRemoteServer } from '../../server/test/remote/remote-server.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

let server: BuiltServer;
let browser: Browser;
let remote: RemoteServer;
const png = makePng(80, 60);

beforeAll(async () => {
  server = await startBuiltServer({ config: { companion: { allowLocalUrls: true } }, env: { NODE_ENV: 'test' } });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

async function openWithSources(sources: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(server.url);
  await page.locator('signet-uploader').first().hover(); // a person points at it: Uppy loads on intent
  await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor();
  await page.locator('signet-uploader').evaluate((el, value) => el.setAttribute('sources', value), sources);
  await page.locator('signet-uploader [data-uppy-acquirer-id="Url"]').waitFor();
  return page;
}

async function chooseOptions(page: Page, options: { publicId: string; folder: string; tag: string }) {
  const panel = page.locator('signet-uploader signet-advanced-options');
  await panel.locator('#public-id').fill(options.publicId);
  await panel.locator('#folder').fill(options.folder);
  await panel.locator('#tags').fill(options.tag);
  await panel.locator('#tags').press('Enter');
}

async function importUrl(page: Page, url: string) {
  await page.locator('signet-uploader [data-uppy-acquirer-id="Url"]').click();
  await page.locator('signet-uploader .uppy-Url-input').fill(url);
  await page.locator('signet-uploader .uppy-Url-importButton').click();
}

test('a file imported by URL is stored byte for byte, with the folder, tag and public ID chosen', async () => {
  remote = await startRemoteServer();
  remote.route('/pictures/sunset.png', serve(remote, png, 'image/png'));
  const page = await openWithSources('local url');
  await chooseOptions(page, { publicId: 'sunset', folder: 'from-the-web', tag: 'imported' });
  await importUrl(page, `${remote.origin}/pictures/sunset.png`);
  await page.getByRole('button', { name: /upload 1 file/i }).click();

  await page.locator('#grid li[data-public-id="from-the-web/sunset"]').waitFor();
  await expect.poll(() => page.locator('signet-uploader').getAttribute('status')).toBe('complete');
  // Companion fetched it once, for the signed import (adding the link asked the remote server nothing); the browser
  // never talked to the remote server.
  expect(remote.requests).toEqual(['GET /pictures/sunset.png']);

  const { resources } = (await (await fetch(`${server.url}/api/assets?limit=10`)).json()) as {
    resources: { public_id: string; folder: string; tags: string[]; secure_url: string; bytes: number }[];
  };
  expect(resources).toHaveLength(1);
  expect(resources[0]).toMatchObject({
    public_id: 'from-the-web/sunset',
    folder: 'from-the-web',
    tags: ['imported'],
    bytes: png.byteLength,
  });
  const delivered = new Uint8Array(await (await fetch(resources[0]?.secure_url ?? '')).arrayBuffer());
  expect(sha256(delivered)).toBe(sha256(png));
  await page.screenshot({ path: '.bench/e2e-remote-url.png' });
  await page.close();
});

test('a link to a private address is refused with URL_FORBIDDEN before Companion fetches anything', async () => {
  const page = await openWithSources('url local');
  const answer = page.waitForResponse((response) => response.url().endsWith('/companion/url/meta'));
  await importUrl(page, 'http://169.254.169.254/latest/meta-data/iam/security-credentials/');
  const response = await answer;
  expect(response.status()).toBe(403);
  expect(await response.json()).toMatchObject({ code: 'URL_FORBIDDEN', error: { code: 'URL_FORBIDDEN' } });
  await expect
    .poll(() =>
      page
        .locator('signet-uploader')
        .evaluate((el) => (el as unknown as { uppy?: { getFiles(): unknown[] } }).uppy?.getFiles().length),
    )
    .toBe(0);
  await page.close();
});

test('a URL import the server refuses fails at once with its code, without retrying the download', async () => {
  remote = await startRemoteServer();
  remote.route('/photo.jpg', serve(remote, Buffer.from('<html><script>alert(1)</script></html>'), 'image/jpeg'));
  const page = await openWithSources('local url');
  const failure = page.locator('signet-uploader').evaluate(
    (el) =>
      new Promise<{ code: string; message: string }>((resolve) =>
        el.addEventListener('signet-upload-error', (event) => {
          const { error } = event as unknown as { error: { code: string; message: string } };
          resolve({ code: error.code, message: error.message });
        }),
      ),
  );
  await importUrl(page, `${remote.origin}/photo.jpg`);
  await page.getByRole('button', { name: /upload 1 file/i }).click();
  const error = await failure;
  expect(error.code).toBe('TYPE_MISMATCH');
  await expect.poll(() => page.locator('signet-uploader').getAttribute('status')).toBe('error');
  // One metadata request and one download: a refusal is final, nothing is fetched again.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(remote.requests.filter((r) => r.startsWith('GET'))).toHaveLength(1);
  const { resources } = await (await fetch(`${server.url}/api/assets?limit=50`)).json();
  expect(resources.some((r: { public_id: string }) => r.public_id.includes('photo'))).toBe(false);
  await page.close();
});
