// Pages written for Cloudinary's Upload Widget work with the script URL swapped (and `uploadUrl` added): the guide's
// examples (unsigned with a preset, signed with a signature function through applyUploadWidget, inline, with a form)
// and Cloudinary's official signed example (a signature string made at page load). The test plays the site: it
// serves the built pages (dist/demo/cloudinary) and their backend endpoints, signing with Cloudinary's own Node SDK;
// the built reference server is the upload host, on another origin (CORS), configured as the pages expect.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { v2 as cloudinary } from 'cloudinary';
import { type Browser, type ConsoleMessage, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
import { makePng } from '../../server/test/fixtures/png.js';
import { type BuiltServer, startBuiltServer } from '../helpers/built-server.js';

const PAGES = new URL('../../dist/demo/cloudinary/', import.meta.url);
const WRITTEN_HOST = 'http://127.0.0.1:8787';
const credentials = { cloud_name: 'demo', api_key: 'my_api_key', api_secret: 'e2e-site-secret-0123456789' };

let server: BuiltServer;
let site: Server;
let siteUrl = '';
let browser: Browser;
/** What the site's signing endpoints were asked to sign. */
const signed: Record<string, string>[] = [];

beforeAll(async () => {
  site = createServer((req, res) => void serveSite(req.url ?? '/', req.method ?? 'GET', req, res));
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  server = await startBuiltServer({
    config: {
      credentials,
      presets: { preset1: { unsigned: true, folder: 'inbox' } },
      cors: { origins: [siteUrl] },
    },
  });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => site?.close(resolve));
});

/** The site: its pages (the script URL and `uploadUrl` pointed at this run's server) and its backend. */
async function serveSite(
  path: string,
  method: string,
  req: NodeJS.ReadableStream,
  res: import('node:http').ServerResponse,
) {
  const url = new URL(path, siteUrl);
  const send = (status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
  if (url.pathname === '/my_generate_signature') {
    // The guide's endpoint: sign what the widget handed the page (`data[...]`), with the account's secret.
    const params: Record<string, string> = {};
    for (const [key, value] of url.searchParams) {
      const name = /^data\[(.+)\]$/.exec(key)?.[1];
      if (name) params[name] = value;
    }
    signed.push(params);
    return send(200, 'text/plain', cloudinary.utils.api_sign_request(params, credentials.api_secret));
  }
  if (url.pathname === '/api/signuploadwidget') {
    // Cloudinary's official example (modules/signuploadwidget.js and its route), as written.
    const timestamp = Math.round(Date.now() / 1000);
    const signature = cloudinary.utils.api_sign_request(
      { timestamp, source: 'uw', folder: 'signed_upload_demo_uw' },
      credentials.api_secret,
    );
    return send(
      200,
      'application/json',
      JSON.stringify({ signature, timestamp, cloudname: credentials.cloud_name, apikey: credentials.api_key }),
    );
  }
  if (url.pathname === '/echo' && method === 'POST') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const fields: Record<string, string[]> = {};
    for (const [key, value] of form) fields[key] = [...(fields[key] ?? []), value];
    return send(200, 'application/json', JSON.stringify(fields));
  }
  const name = url.pathname.replace(/^\/+/, '') || 'index.html';
  if (!/^[a-z]+\.(html|js)$/.test(name)) return send(404, 'text/plain', 'not found');
  const text = (await readFile(new URL(name, PAGES), 'utf8')).replaceAll(WRITTEN_HOST, server.url);
  return send(200, name.endsWith('.js') ? 'text/javascript' : 'text/html', text);
}

interface Visit {
  page: Page;
  /** Page errors, failed responses and console errors: none expected. */
  problems: string[];
  /** Every request's origin. */
  origins: Set<string>;
  /** The values the page logged, message by message. */
  logged: unknown[][];
}

async function visit(path: string): Promise<Visit> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const visit: Visit = { page, problems: [], origins: new Set(), logged: [] };
  page.on('pageerror', (error) => visit.problems.push(error.message));
  page.on('request', (request) => visit.origins.add(new URL(request.url()).origin));
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico'))
      visit.problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('console', (message: ConsoleMessage) => {
    // A failed resource is in the responses above (which leave out the browser's own favicon request).
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      visit.problems.push(message.text());
    if (message.type() === 'log')
      void Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => null))).then((values) =>
        visit.logged.push(values),
      );
  });
  await page.goto(`${siteUrl}/${path}`);
  return visit;
}

/** Chooses PNGs in the open dialog's widget (or `scope`'s) and presses its Upload button. */
async function uploadIn(page: Page, scope: string, files: { name: string; width: number }[]) {
  await page
    .locator(`${scope} signet-uploader input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])`)
    .setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'image/png', buffer: makePng(f.width, 10) })));
  await page
    .locator(scope)
    .getByRole('button', { name: /upload \d+ files?/i })
    .click();
}

const delivered = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

test('the quick example: unsigned with an upload preset; the callback’s success info is the stored asset', async () => {
  const { page, problems, logged, origins } = await visit('index.html');
  await page.locator('#upload_widget').click();
  await uploadIn(page, 'dialog[open]', [{ name: 'quick.png', width: 21 }]);
  await expect.poll(() => logged.find((args) => args[0] === 'Done! Here is the image info: ')).toBeTruthy();
  const info = logged.find((args) => args[0] === 'Done! Here is the image info: ')?.[1] as Record<string, string>;
  expect(info).toMatchObject({ folder: 'inbox', original_filename: 'quick', width: 21, format: 'png' });
  expect(info.path).toBe(info.secure_url?.split('/upload/')[1]);
  expect(await delivered(info.secure_url as string)).toEqual(makePng(21, 10));
  expect(problems).toEqual([]);
  expect([...origins].sort()).toEqual([server.url, siteUrl].sort());
  await page.context().close();
});

test('signed with a signature function through applyUploadWidget: the site signs params_to_sign with source=uw', async () => {
  const { page, problems } = await visit('index.html');
  const before = signed.length;
  const button = page.locator('a.cloudinary-button', { hasText: 'Upload image' });
  await expect.poll(() => page.locator('#upload_widget_opener').isHidden()).toBe(true);
  await button.click();
  await uploadIn(page, 'dialog[open]', [{ name: 'signed-fn.png', width: 13 }]);
  // Thumbnails go right after the element applyUploadWidget took, as with Cloudinary's widget.
  const thumbnail = page.locator('#upload_widget_opener + ul.cloudinary-thumbnails li.cloudinary-thumbnail.active img');
  await expect.poll(() => thumbnail.count()).toBe(1);
  expect(signed.slice(before)).toEqual([{ source: 'uw', timestamp: expect.stringMatching(/^\d+$/) }]);
  const src = (await thumbnail.getAttribute('src')) as string;
  expect(await delivered(src)).toEqual(makePng(13, 10));
  expect(problems).toEqual([]);
  await page.context().close();
});

test('inline: the widget shows in its container at once; the callback hears every event', async () => {
  const { page, problems, logged } = await visit('index.html');
  await expect.poll(() => page.locator('#my-widget-container signet-uploader').isVisible()).toBe(true);
  await uploadIn(page, '#my-widget-container', [{ name: 'inline.png', width: 8 }]);
  const events = () =>
    logged
      .filter((args) => args.length === 2 && args[1] && typeof args[1] === 'object')
      .map((args) => (args[1] as { event: string }).event);
  await expect.poll(events).toContain('queues-end');
  expect(events()).toEqual(['display-changed', 'upload-added', 'queues-start', 'success', 'queues-end']);
  expect(problems).toEqual([]);
  await page.context().close();
});

test('with a form: each upload adds its hidden input, the thumbnails show, and the form sends them', async () => {
  const { page, problems } = await visit('index.html');
  await page.locator('#form_upload').click();
  await uploadIn(page, 'dialog[open]', [
    { name: 'rex-1.png', width: 5 },
    { name: 'rex-2.png', width: 6 },
  ]);
  await expect.poll(() => page.locator('#rescue_form input[type=hidden][name="thumbnails[]"]').count()).toBe(2);
  await expect.poll(() => page.locator('#rescue_form .thumbnails li.cloudinary-thumbnail.active').count()).toBe(2);
  await page.locator('dialog[open] .signet-cld-close').click();
  await page.locator('#rescue_form button[type=submit]').click();
  await page.waitForURL(`${siteUrl}/echo`);
  const sent = JSON.parse((await page.locator('body').textContent()) ?? '{}') as Record<string, string[]>;
  expect(sent.name).toEqual(['Rex']);
  expect(sent['thumbnails[]']).toHaveLength(2);
  for (const value of sent['thumbnails[]'] ?? [])
    expect(value).toMatch(/^image\/upload\/v\d+\/inbox\/PetCasa\/OrderRescue\/[a-z0-9]+\.png#[0-9a-f]{40}$/);
  expect(problems).toEqual([]);
  await page.context().close();
});

test('Cloudinary’s official signed example: a signature string made at page load, with its timestamp', async () => {
  const { page, problems } = await visit('signed.html');
  await page.locator('#upload_widget').click();
  await uploadIn(page, 'dialog[open]', [{ name: 'official.png', width: 9 }]);
  await expect.poll(() => page.locator('#uwdata').textContent()).toContain('"event": "success"');
  const result = JSON.parse((await page.locator('#uwdata').textContent()) ?? '{}') as {
    info: { folder: string; public_id: string; secure_url: string };
  };
  expect(result.info.folder).toBe('signed_upload_demo_uw');
  expect(result.info.public_id).toMatch(/^signed_upload_demo_uw\//);
  expect(await delivered(result.info.secure_url)).toEqual(makePng(9, 10));
  expect(problems).toEqual([]);
  await page.context().close();
});
