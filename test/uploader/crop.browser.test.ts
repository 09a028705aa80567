// Issue 19, crop before upload (`crop`, `crop-aspect-ratio`, `crop-required`): Uppy's image editor in our shadow
// root, driven as a keyboard user would (the crop box takes focus; arrows move it, Shift+arrows size it). What the
// server stores is the cropped image (its pixels are checked), named whole as `custom_coordinates` (Cloudinary reads
// them in the uploaded image's pixels), and the page hears where it lay in the original (`event.file.cropped`). Several files: one editor after another, Cancel keeps a photo as it is.
import { afterEach, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { en } from '../../src/locales/en.js';
import type { SignetUploader } from '../../src/uploader/uploader.js';
import { expectNoViolations } from '../helpers/axe.js';
import { choose, mount, next, pressUpload, sha256 } from '../helpers/browser.js';

const mounted: HTMLElement[] = [];
afterEach(() => {
  for (const el of mounted.splice(0)) el.remove();
});

/** A picture whose left half is red and right half blue, `width` × `height`. */
async function halves(width: number, height: number, type = 'image/png'): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.fillStyle = '#f00';
  context.fillRect(0, 0, width / 2, height);
  context.fillStyle = '#00f';
  context.fillRect(width / 2, 0, width / 2, height);
  return canvas.convertToBlob({ type, quality: 0.95 });
}

/** The decoded picture: its size and how many of its pixels are red, blue, or neither. */
async function colours(data: Blob | ArrayBuffer) {
  const bitmap = await createImageBitmap(data instanceof Blob ? data : new Blob([data]));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.drawImage(bitmap, 0, 0);
  const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  let red = 0;
  let blue = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b] = [pixels[i] ?? 0, pixels[i + 1] ?? 0, pixels[i + 2] ?? 0];
    if (r > 200 && g < 60 && b < 60) red++;
    else if (b > 200 && r < 60 && g < 60) blue++;
  }
  return { width: bitmap.width, height: bitmap.height, red, blue, all: pixels.length / 4 };
}

/** The stored asset's custom coordinates, as the server answers the upload (Cloudinary's `coordinates`). */
const coordinatesOf = (response: object) => (response as { coordinates?: unknown }).coordinates;

const root = (el: SignetUploader) => el.shadowRoot as ShadowRoot;
const editorTitle = (el: SignetUploader) =>
  root(el).querySelector('[data-uppy-paneltype="FileEditor"] .uppy-DashboardContent-titleFile')?.textContent ?? null;
/** A button of the editor's bar (the file card behind it has a Cancel of its own). */
const editorButton = (el: SignetUploader, which: 'back' | 'save') =>
  root(el).querySelector<HTMLButtonElement>(`[data-uppy-paneltype="FileEditor"] .uppy-DashboardContent-${which}`);
const cropBox = (el: SignetUploader) => root(el).querySelector<HTMLElement>('.cropper-crop-box');
/** What has focus inside the element. */
const focused = (el: SignetUploader) => root(el).activeElement;

/** Waits until the editor shows `name` with its crop box focused (keyboard users start there). */
async function editing(el: SignetUploader, name: string): Promise<void> {
  await expect.poll(() => editorTitle(el)).toBe(name);
  await expect.poll(() => focused(el) !== null && focused(el) === cropBox(el)).toBe(true);
}

async function press(key: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await userEvent.keyboard(key);
}

test('crop with the keyboard: the stored file is the cropped image, named whole as custom_coordinates', async () => {
  const el = await mount({ crop: '', 'crop-aspect-ratio': '1', 'keep-metadata': '' });
  mounted.push(el);
  choose(el, [new File([await halves(400, 200)], 'halves.png', { type: 'image/png' })]);
  await editing(el, 'halves.png');
  const box = cropBox(el) as HTMLElement;
  expect(box.getAttribute('aria-label')).toBe(en.photos.cropBox);
  // A page that fixed the proportions offers no others.
  expect(root(el).querySelector('[aria-label="Crop square"], [aria-label="Crop landscape (16:9)"]')).toBeNull();

  // The square starts in the middle (over both halves); arrows take it to the left edge, Shift+arrows make it smaller.
  await press('{ArrowLeft}', 40);
  await press('{Shift>}{ArrowLeft}{/Shift}', 5);
  // Shift+Tab from the box reaches Save, in the editor's bar.
  await userEvent.keyboard('{Shift>}{Tab}{/Shift}');
  expect(focused(el)?.className).toContain('uppy-DashboardContent-save');
  await userEvent.keyboard('{Enter}');
  await expect.poll(() => editorTitle(el)).toBeNull();

  const success = next(el, 'signet-upload-success');
  await pressUpload(el);
  const event = await success;
  const cropped = event.file.cropped;
  expect(cropped).toMatchObject({ x: 0, y: 0 });
  // Square, smaller than the picture's height, from the left (red) half only.
  expect(cropped?.width).toBe(cropped?.height);
  expect(cropped?.width).toBeLessThan(200);
  expect(cropped?.width).toBeGreaterThan(100);
  const stored = await colours(await (await fetch(event.response.secure_url)).arrayBuffer());
  expect([stored.width, stored.height]).toEqual([cropped?.width, cropped?.height]);
  expect([event.response.width, event.response.height]).toEqual([cropped?.width, cropped?.height]);
  expect(stored.red).toBe(stored.all);
  expect(event.response.bytes).toBe(event.file.size);
  // Cloudinary reads custom_coordinates in the uploaded image's pixels: that image is the crop, whole.
  expect(coordinatesOf(event.response)).toEqual({ custom: [[0, 0, cropped?.width, cropped?.height]] });
});

test('a crop made smaller by max-image-width: its region is named in the size sent; the event keeps the original box', async () => {
  const el = await mount({ crop: '', 'crop-aspect-ratio': '1', 'max-image-width': '100', 'keep-metadata': '' });
  mounted.push(el);
  choose(el, [new File([await halves(400, 200)], 'wide.png', { type: 'image/png' })]);
  await editing(el, 'wide.png');
  editorButton(el, 'save')?.click(); // the square in the middle, as offered
  await expect.poll(() => editorTitle(el)).toBeNull();
  const success = next(el, 'signet-upload-success');
  await pressUpload(el);
  const event = await success;
  expect(event.file.cropped).toEqual({ x: 100, y: 0, width: 200, height: 200 });
  expect(event.file.resized).toEqual({ width: 100, height: 100, originalWidth: 200, originalHeight: 200 });
  expect([event.response.width, event.response.height]).toEqual([100, 100]);
  expect(coordinatesOf(event.response)).toEqual({ custom: [[0, 0, 100, 100]] });
  // Half red, half blue: the middle of the picture.
  const stored = await colours(await (await fetch(event.response.secure_url)).arrayBuffer());
  expect(Math.abs(stored.red - stored.blue)).toBeLessThanOrEqual(stored.all * 0.05);
  expect(stored.red + stored.blue).toBeGreaterThan(stored.all * 0.9);
});

test('several files: one editor after another; Cancel sends a photo as it is; other files are not offered', async () => {
  const el = await mount({ crop: '', multiple: '', 'keep-metadata': '' });
  mounted.push(el);
  const first = new File([await halves(300, 300)], 'first.png', { type: 'image/png' });
  const second = new File([await halves(320, 240, 'image/jpeg')], 'second.jpg', { type: 'image/jpeg' });
  const gif = new File([Uint8Array.from(atob('R0lGODlhAQABAAAAACw='), (c) => c.charCodeAt(0))], 'still.gif', {
    type: 'image/gif',
  });
  const notes = new File(['plain words'], 'notes.txt', { type: 'text/plain' });
  const outcomes = new Map<string, { cropped: unknown; bytes: number; url: string; width?: number }>();
  el.addEventListener('signet-upload-success', (event) =>
    outcomes.set(event.file.name, {
      cropped: event.file.cropped,
      bytes: event.response.bytes,
      url: event.response.secure_url,
      width: event.response.width,
    }),
  );
  choose(el, [first, notes, gif, second]);

  await editing(el, 'first.png');
  editorButton(el, 'back')?.click(); // Cancel
  await editing(el, 'second.jpg');
  // Free proportions: Shift+ArrowLeft narrows the box only.
  await press('{Shift>}{ArrowLeft}{/Shift}', 8);
  editorButton(el, 'save')?.click();
  await expect.poll(() => editorTitle(el)).toBeNull();

  const complete = next(el, 'signet-queue-complete');
  await pressUpload(el);
  await complete;
  expect([...outcomes.keys()].sort()).toEqual(['first.png', 'notes.txt', 'second.jpg', 'still.gif']);
  // Cancelled, not offered, not an image: the very bytes chosen.
  for (const [name, file] of [
    ['first.png', first],
    ['notes.txt', notes],
    ['still.gif', gif],
  ] as const) {
    expect(outcomes.get(name)?.cropped).toBeUndefined();
    expect(await sha256(await (await fetch(outcomes.get(name)?.url as string)).arrayBuffer())).toBe(await sha256(file));
  }
  const cropped = outcomes.get('second.jpg')?.cropped as { x: number; y: number; width: number; height: number };
  expect(cropped.height).toBe(240);
  expect(cropped.width).toBeLessThan(320);
  expect(outcomes.get('second.jpg')?.width).toBe(cropped.width);
});

test('crop-required: Upload opens the editor on an uncropped photo instead of sending it', async () => {
  const el = await mount({ crop: '', 'crop-required': '', 'keep-metadata': '' });
  mounted.push(el);
  let sent = 0;
  el.addEventListener('signet-upload-success', () => sent++);
  choose(el, [new File([await halves(200, 100)], 'must.png', { type: 'image/png' })]);
  await editing(el, 'must.png');
  editorButton(el, 'back')?.click(); // Cancel
  await expect.poll(() => editorTitle(el)).toBeNull();

  await pressUpload(el);
  await editing(el, 'must.png');
  expect(el.status).not.toBe('uploading');
  expect(sent).toBe(0);

  await press('{ArrowLeft}', 30); // the box covers the picture: moving it changes nothing, saving crops it as it is
  editorButton(el, 'save')?.click();
  await expect.poll(() => editorTitle(el)).toBeNull();
  const success = next(el, 'signet-upload-success');
  await pressUpload(el);
  const event = await success;
  expect(sent).toBe(1);
  expect(event.file.cropped).toEqual({ x: 0, y: 0, width: 200, height: 100 });
});

test('axe finds nothing in the open editor; the crop box has a name; the picture fits under the editor’s bar', async () => {
  const el = await mount({ crop: '', height: '320' });
  mounted.push(el);
  choose(el, [new File([await halves(1600, 1200)], 'large.png', { type: 'image/png' })]);
  await editing(el, 'large.png');
  // Uppy sizes the picture for a 550-pixel Dashboard: here the bar stays in view and the picture under it.
  const bar = root(el).querySelector('[data-uppy-paneltype="FileEditor"] .uppy-DashboardContent-bar') as HTMLElement;
  const panel = root(el).querySelector('[data-uppy-paneltype="FileEditor"]') as HTMLElement;
  const picture = root(el).querySelector('.cropper-container') as HTMLElement;
  expect(bar.getBoundingClientRect().top).toBeGreaterThanOrEqual(panel.getBoundingClientRect().top);
  expect(picture.getBoundingClientRect().top).toBeGreaterThanOrEqual(bar.getBoundingClientRect().bottom - 1);
  expect(picture.getBoundingClientRect().bottom).toBeLessThanOrEqual(panel.getBoundingClientRect().bottom + 1);
  await expectNoViolations(el, 'crop editor');
});
