// Issue 19, photos prepared in the browser before upload: a phone's photo loses its location and device data
// losslessly (the pixels the server stores decode to exactly the original's), and large photos are made smaller
// (`max-image-width` / `max-image-height`, upright, never larger); the person reads on the file what was done. The
// phone photo is made in the test by cjpeg and exiftool (test/helpers/commands.ts), as a phone writes it.
import { afterEach, expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import { en } from '../../src/locales/en.js';
import { choose, mount, next, pressUpload } from '../helpers/browser.js';

const mounted: HTMLElement[] = [];
afterEach(() => {
  for (const el of mounted.splice(0)) el.remove();
});

function base64(bytes: ArrayBuffer): string {
  let text = '';
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** The decoded pixels, as the browser draws them (EXIF orientation applied). */
async function pixels(bytes: ArrayBuffer): Promise<{ width: number; height: number; data: number[] }> {
  const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.drawImage(bitmap, 0, 0);
  return {
    width: bitmap.width,
    height: bitmap.height,
    data: Array.from(context.getImageData(0, 0, bitmap.width, bitmap.height).data),
  };
}

// An ICC profile's header has "DeviceModel" fields (of the display it describes): colour data, not the person's.
const personal = (tags: Record<string, unknown>) =>
  Object.keys(tags).filter(
    (key) => !key.startsWith('ICC') && /GPS|Make|Model|Serial|DateTimeOriginal|XMP/i.test(key.split(':')[1] ?? key),
  );

async function uploadPhoto(attrs: Record<string, string> = {}) {
  const photo = fromBase64(await commands.makePhoneJpeg());
  const el = await mount(attrs);
  mounted.push(el);
  choose(el, [new File([photo], 'parcel.jpg', { type: 'image/jpeg', lastModified: 1_700_000_000_000 })]);
  const success = next(el, 'signet-upload-success');
  await pressUpload(el);
  const event = await success;
  const stored = await (await fetch(event.response.secure_url)).arrayBuffer();
  return { el, event, photo, stored };
}

test('a phone photo arrives without its position, device and serial numbers; same pixels, portrait kept; the line says so', async () => {
  const { el, event, photo, stored } = await uploadPhoto();
  const before = await commands.readTags(base64(photo.buffer));
  expect(personal(before).length).toBeGreaterThanOrEqual(6);

  const after = await commands.readTags(base64(stored));
  expect(personal(after)).toEqual([]);
  expect(after['IFD0:Orientation']).toBe(6);
  // Lossless: the stored file decodes to exactly the original's pixels (portrait: 64×96 once turned).
  const [original, uploaded] = await Promise.all([pixels(photo.buffer), pixels(stored)]);
  expect([uploaded.width, uploaded.height]).toEqual([64, 96]);
  expect(uploaded.data).toEqual(original.data);
  expect(event.response.bytes).toBe(stored.byteLength);
  expect(stored.byteLength).toBeLessThan(photo.byteLength);

  // The page hears it, and the person reads it on the file's line.
  expect(event.file.removed).toEqual(['location', 'device', 'other']);
  await expect
    .poll(() => el.shadowRoot?.querySelector('[part~="result-success"] .removed')?.textContent?.trim())
    .toBe(en.photos.locationAndDevice);
});

test('keep-metadata sends the photo as it is', async () => {
  const { el, event, photo, stored } = await uploadPhoto({ 'keep-metadata': '' });
  expect(new Uint8Array(stored)).toEqual(photo);
  expect(personal(await commands.readTags(base64(stored))).length).toBeGreaterThanOrEqual(6);
  expect(event.file.removed).toBeUndefined();
  await expect.poll(() => el.shadowRoot?.querySelector('[part~="result-success"]')).toBeTruthy();
  expect(el.shadowRoot?.querySelector('[part~="result-success"] .removed')).toBeNull();
});

/** A JPEG drawn in the browser: a gradient of `width` × `height`. */
async function drawnJpeg(width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  const gradient = context.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, '#0a6');
  gradient.addColorStop(1, '#f40');
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 });
}

test('max-image-width and max-image-height make a large photo smaller (proportions kept), never a small one larger', async () => {
  const el = await mount({ multiple: '', 'max-image-width': '800', 'max-image-height': '800', 'keep-metadata': '' });
  mounted.push(el);
  const large = await drawnJpeg(2000, 1500);
  const small = await drawnJpeg(300, 200);
  const stored = new Map<string, { width: number; height: number; bytes: number; resized: unknown }>();
  el.addEventListener('signet-upload-success', (event) =>
    stored.set(event.file.name, {
      width: event.response.width as number,
      height: event.response.height as number,
      bytes: event.response.bytes,
      resized: event.file.resized,
    }),
  );
  choose(el, [
    new File([large], 'large.jpg', { type: 'image/jpeg' }),
    new File([small], 'small.jpg', { type: 'image/jpeg' }),
  ]);
  const complete = next(el, 'signet-queue-complete');
  await pressUpload(el);
  await complete;
  // What the server measured from the bytes it stored.
  expect(stored.get('large.jpg')).toMatchObject({
    width: 800,
    height: 600,
    resized: { width: 800, height: 600, originalWidth: 2000, originalHeight: 1500 },
  });
  expect(stored.get('small.jpg')).toEqual({ width: 300, height: 200, bytes: small.size, resized: undefined });
  await expect
    .poll(() => el.shadowRoot?.querySelector('[part~="result-success"] .resized')?.textContent?.trim())
    .toBe('Resized from 2,000 × 1,500 to 800 × 600 pixels before upload.');
});

test('a portrait phone photo is turned upright when it is made smaller (its orientation tag is applied)', async () => {
  const photo = fromBase64(await commands.makePhoneJpeg()); // 96×64 stored, orientation 6: 64×96 upright
  const el = await mount({ 'max-image-height': '48' });
  mounted.push(el);
  choose(el, [new File([photo], 'portrait.jpg', { type: 'image/jpeg' })]);
  const success = next(el, 'signet-upload-success');
  await pressUpload(el);
  const { response, file } = await success;
  expect([response.width, response.height]).toEqual([32, 48]);
  expect(file.resized).toEqual({ width: 32, height: 48, originalWidth: 64, originalHeight: 96 });
  expect(file.removed).toEqual(['location', 'device', 'other']);
  const tags = await commands.readTags(base64(await (await fetch(response.secure_url)).arrayBuffer()));
  expect(personal(tags)).toEqual([]);
});

test('min-image-width/height refuse a small photo and validate-dimensions a large one, with their sizes; the rest uploads', async () => {
  const el = await mount({
    multiple: '',
    'keep-metadata': '',
    'min-image-width': '400',
    'min-image-height': '300',
    'max-image-width': '1000',
    'max-image-height': '1000',
    'validate-dimensions': '',
  });
  mounted.push(el);
  const refused: { name: string; code: string; message: string }[] = [];
  el.addEventListener('signet-upload-error', (event) =>
    refused.push({ name: event.file.name, code: event.error.code, message: event.error.message }),
  );
  const stored: string[] = [];
  el.addEventListener('signet-upload-success', (event) => stored.push(event.file.name));
  choose(el, [
    new File([await drawnJpeg(200, 150)], 'thumb.jpg', { type: 'image/jpeg' }),
    new File([await drawnJpeg(1600, 1200)], 'huge.jpg', { type: 'image/jpeg' }),
    new File([await drawnJpeg(800, 600)], 'right.jpg', { type: 'image/jpeg' }),
  ]);
  const complete = next(el, 'signet-queue-complete');
  await pressUpload(el);
  const done = await complete;
  expect(stored).toEqual(['right.jpg']);
  expect(refused).toEqual([
    {
      name: 'thumb.jpg',
      code: 'IMAGE_DIMENSIONS',
      message: 'The image is 200 × 150 pixels; this page needs at least 400 × 300.',
    },
    {
      name: 'huge.jpg',
      code: 'IMAGE_DIMENSIONS',
      message: 'The image is 1,600 × 1,200 pixels; this page takes at most 1,000 × 1,000.',
    },
  ]);
  expect(done.outcomes.map((o) => o.status).sort()).toEqual(['refused', 'refused', 'success']);
  // Each refused file's line says why and what to do; nothing offers Retry.
  await expect
    .poll(() =>
      Array.from(el.shadowRoot?.querySelectorAll('[part~="result-refused"]') ?? [], (li) =>
        li.textContent?.replace(/\s+/g, ' ').trim(),
      ),
    )
    .toHaveLength(2);
  const lines = Array.from(
    el.shadowRoot?.querySelectorAll('[part~="result-refused"]') ?? [],
    (li) => li.textContent ?? '',
  );
  expect(lines.every((text) => text.includes(en.advice.IMAGE_DIMENSIONS))).toBe(true);
  expect(el.shadowRoot?.querySelector('[part~="result-refused"] button')).toBeNull();
});
