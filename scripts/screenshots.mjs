// `npm run screenshots`: the widget's main states on the built demo, as a person sees them, at desktop (1280×800)
// and phone (375×740) width, into docs/screenshots/*.png; then the three themes side by side (demo/themes.html), the
// support-ticket form's dialog (demo/ticket.html) in English and in Arabic, right to left. It builds first (BUILD=0 skips that), starts the built
// `signet-server` on a free port with a 5 MB limit (so one file is over it), and drives Chromium. The one failed
// upload is a connection dropped in the page (the browser's own error), as a flaky network would.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium.mjs';
import { run } from './run.mjs';

const OUT = 'docs/screenshots';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 740 };
const FILE_INPUT = 'input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])';
const INPUT = `signet-uploader ${FILE_INPUT}`;

if (process.env.BUILD !== '0' || !existsSync('dist/demo/index.html')) await run('node', ['scripts/build.mjs']);
await mkdir(OUT, { recursive: true });
const work = await mkdtemp(join(tmpdir(), 'signet-shots-'));
const server = await startServer(work);
const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
const written = [];

try {
  // --- desktop ---------------------------------------------------------------------------------------------
  let page = await open(DESKTOP);
  await page.locator('signet-uploader .uppy-Dashboard-AddFiles').scrollIntoViewIfNeeded();
  await shot(page, 'desktop-1-drop-zone');

  await page.locator('signet-uploader signet-advanced-options #public-id').fill('walk-trip');
  await page.locator(INPUT).setInputFiles([png('day-1.png', 60, 40, 1), png('day-2.png', 60, 40, 2)]);
  await page.getByRole('button', { name: /upload 2 files/i }).click();
  await page.locator('signet-uploader [part="summary"]', { hasText: '2 uploaded' }).waitFor();
  await settle(page);
  await shot(page, 'desktop-2-uploaded');

  // Five files to the same public ID: two IDs taken already, a disguised page, a dropped connection, one too large.
  await page
    .locator(INPUT)
    .setInputFiles([
      png('again-1.png', 60, 40, 3),
      png('again-2.png', 60, 40, 4),
      { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<html><script>alert(1)</script></html>') },
      { name: 'flaky.png', mimeType: 'image/png', buffer: pngBytes(60, 40, 5) },
      { name: 'huge.tif', mimeType: 'image/tiff', buffer: Buffer.alloc(6_000_000, 1) },
    ]);
  await page.getByRole('button', { name: /upload 4 files/i }).waitFor();
  await settle(page);
  await shot(page, 'desktop-3-queued-options-folded');
  await page.getByRole('button', { name: /upload 4 files/i }).click();
  await page.locator('signet-uploader [part="results-list"] > li[data-status="failed"]').waitFor();
  await settle(page);
  await shot(page, 'desktop-4-every-outcome');
  await page.close();

  page = await open(DESKTOP);
  await dropFolder(page, await tree(work));
  await page.locator('signet-uploader [part="results-list"] > li[data-status="held"]').waitFor();
  await settle(page);
  await shot(page, 'desktop-5-folder-held-back');
  await page.close();

  page = await open(DESKTOP);
  await page.locator('signet-uploader [data-uppy-acquirer-id="Url"]').click();
  for (const link of ['http://169.254.169.254/latest/meta-data/', 'http://unreachable.invalid/photo.png']) {
    await page.locator('signet-uploader .uppy-Url-input').fill(link);
    await page.locator('signet-uploader .uppy-Url-importButton').click();
    await page.locator(`signet-uploader [part="results-list"] > li`, { hasText: link }).waitFor({ timeout: 30_000 });
  }
  await settle(page);
  await shot(page, 'desktop-6-links-refused');
  await page.close();

  // --- phone -----------------------------------------------------------------------------------------------
  page = await open(PHONE);
  await shot(page, 'phone-1-start');
  await page.locator(INPUT).setInputFiles([png('a.png', 40, 30, 6), png('b.png', 40, 30, 7), png('c.png', 40, 30, 8)]);
  await page.getByRole('button', { name: /upload 3 files/i }).waitFor();
  await settle(page);
  await shot(page, 'phone-2-picked');
  await page.getByRole('button', { name: /upload 3 files/i }).click();
  await page.locator('signet-uploader [part="summary"]', { hasText: '3 uploaded' }).waitFor();
  await settle(page);
  await shot(page, 'phone-3-uploaded');
  await page.close();

  // --- themes: light, dark and a brand theme of custom properties, each after a run with one file stored and one
  // refused (a page disguised as a photo), so the results' colours show too ---
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${server.url}/themes.html`);
  const widgets = page.locator('signet-uploader');
  for (let i = 0; i < 3; i++) {
    const widget = widgets.nth(i);
    await widget.locator('.uppy-Dashboard-note', { hasText: 'each' }).waitFor({ state: 'attached' });
    await widget
      .locator(FILE_INPUT)
      .setInputFiles([
        png(`photo-${i + 1}.png`, 60, 40, 11 + i),
        { name: 'scan.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<html><script>alert(1)</script></html>') },
      ]);
    await widget.getByRole('button', { name: /upload 2 files/i }).click();
    await widget.locator('[part="summary"]', { hasText: '1 uploaded' }).waitFor();
  }
  await settle(page);
  await shot(page, 'themes-light-dark-brand');
  await page.close();

  // --- the ticket form's dialog, in English and in Arabic (right to left) ---
  for (const lang of ['en', 'ar']) {
    page = await browser.newPage({ viewport: DESKTOP });
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(`${server.url}/ticket.html?lang=${lang}`);
    const uploader = page.locator('signet-uploader');
    await uploader.locator('.uppy-Dashboard-inner').waitFor({ state: 'attached' });
    await page.locator('#email').fill(lang === 'ar' ? 'layla@example.com' : 'ada@example.com');
    await page.locator('#subject').fill(lang === 'ar' ? 'الطابعة لا تعمل' : 'Printer on fire');
    await uploader.locator('[part="open-button"]').click();
    await uploader.locator('signet-advanced-options #tags').fill('printer');
    await uploader.locator('signet-advanced-options #tags').press('Enter');
    await uploader
      .locator(FILE_INPUT)
      .setInputFiles([
        png('smoke-1.png', 60, 40, 31),
        png('smoke-2.png', 60, 40, 32),
        png('error-log.png', 60, 40, 33),
      ]);
    await uploader.locator('.uppy-StatusBar-actionBtn--upload').click();
    await uploader.locator('dialog [part~="result-success"]').nth(2).waitFor();
    await uploader.locator('dialog [part="results"]').scrollIntoViewIfNeeded();
    await settle(page);
    await shot(page, `ticket-dialog-${lang}`);
    await page.keyboard.press('Escape');
    await settle(page);
    await shot(page, `ticket-form-${lang}`);
    await page.close();
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await rm(work, { recursive: true, force: true });
}
console.log(`screenshots: ${written.join(', ')}`);

async function open(viewport) {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  // A connection that drops for flaky.png only, the way the browser reports it (an XHR `error`, no response).
  await page.addInitScript(() => {
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (body) {
      if (body instanceof FormData && body.get('file')?.name === 'flaky.png') {
        setTimeout(() => this.dispatchEvent(new ProgressEvent('error')), 300);
        return;
      }
      return send.call(this, body);
    };
  });
  await page.goto(server.url);
  await page.locator('signet-uploader .uppy-Dashboard-note', { hasText: 'each' }).waitFor();
  return page;
}

async function shot(page, name) {
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path });
  written.push(path);
}

/** Lets transitions (the status bar's progress, Uppy's slides) finish before a picture. */
async function settle(page) {
  await page.waitForTimeout(900);
}

function png(name, width, height, seed) {
  return { name, mimeType: 'image/png', buffer: pngBytes(width, height, seed) };
}

/** A real PNG: a gradient, different per seed. */
function pngBytes(width, height, seed) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const at = y * (width * 3 + 1) + 1 + x * 3;
      rows[at] = (x * 255) / width;
      rows[at + 1] = (y * 255) / height;
      rows[at + 2] = (seed * 53) % 256;
    }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** walk/Day 1/a.png and walk/day-2/b.png: a camera export with one folder name the server refuses. */
async function tree(dir) {
  await mkdir(join(dir, 'walk', 'Day 1'), { recursive: true });
  await mkdir(join(dir, 'walk', 'day-2'), { recursive: true });
  await writeFile(join(dir, 'walk', 'Day 1', 'a.png'), pngBytes(50, 40, 9));
  await writeFile(join(dir, 'walk', 'day-2', 'b.png'), pngBytes(50, 40, 10));
  return join(dir, 'walk');
}

async function dropFolder(page, folder) {
  const target = page.locator('signet-uploader .uppy-Dashboard-inner');
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: [folder], dragOperationsMask: 1 };
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  for (const type of ['dragEnter', 'dragOver', 'drop'])
    await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
}

/** The built CLI as an operator starts it, with a 5 MB limit; resolves once it prints its address. */
async function startServer(dir) {
  const config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({ limits: { maxFileSize: 5_000_000 } }));
  const child = spawn(
    process.execPath,
    [
      'server/bin/signet-server.js',
      '--port',
      '0',
      '--data',
      join(dir, 'data'),
      '--static',
      'dist/demo',
      '--config',
      config,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (data) => {
      output += data;
      const match = /^signet-server listening on (http:\/\/\S+)$/m.exec(output);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`signet-server exited with ${code}:\n${output}`)));
  });
  return child;
}
