// The profile-photo demo (demo/photo.html: camera, required square crop, 800 pixels at most) on a phone (Chromium's
// Pixel 7 emulation: its user agent, touch, viewport). There the camera is the system's own: the Dashboard offers
// "Take Picture", whose file input has `capture`, and no in-page camera tab. What the phone's camera hands back (a
// JPEG, given to the chooser that button opened) opens in the crop editor; saved and uploaded, the server stores the
// square.
import { execFileSync } from 'node:child_process';
import { type Browser, chromium, devices } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';
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

/** A 1200×900 JPEG, as a phone's camera would hand it over. */
function cameraJpeg(): Buffer {
  const [width, height] = [1200, 900];
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set([(i % width) % 256, 120, 200], i * 3);
  return execFileSync('cjpeg', [], { input: Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), pixels]) });
}

test('on a phone: the system camera first (capture), then the crop, then the stored square', async () => {
  const context = await browser.newContext({ ...devices['Pixel 7'] });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.url}/photo.html`);
  // A touch on the widget is intent: Uppy loads (no hover on a phone).
  const box = await page.locator('signet-uploader').boundingBox();
  await page.touchscreen.tap((box?.x ?? 0) + 8, (box?.y ?? 0) + 8);
  await page.locator('signet-uploader .uppy-Dashboard-inner').waitFor();

  const camera = page.locator('signet-uploader input[name="camera-photo"]');
  expect(await camera.getAttribute('capture')).toBe('environment');
  expect(await camera.getAttribute('accept')).toContain('image');
  // No in-page camera tab on a phone.
  expect(await page.locator('signet-uploader [data-uppy-acquirer-id="Webcam"]').count()).toBe(0);

  // "Take Picture" opens the system's chooser on that input; the phone's camera answers with a JPEG.
  page.on('filechooser', () => {}); // interception on before the tap (see ticket.test.ts)
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('tab', { name: 'Take Picture' }).tap();
  const opened = await chooser;
  expect(await opened.element().getAttribute('name')).toBe('camera-photo');
  await opened.setFiles({ name: 'image.jpg', mimeType: 'image/jpeg', buffer: cameraJpeg() });
  const save = page.locator('signet-uploader [data-uppy-paneltype="FileEditor"] .uppy-DashboardContent-save');
  await page.locator('signet-uploader .cropper-crop-box').waitFor();
  await save.tap();
  await page.getByRole('button', { name: /upload 1 file/i }).tap();
  await expect.poll(() => page.locator('#stored').textContent()).toMatch(/^Stored \S+: 800 × 800 pixels/);
  expect(errors).toEqual([]);
  await context.close();
});
