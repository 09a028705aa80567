// Issue 19: a phone's photo loses its location and device data in the browser before upload, losslessly (the
// pixels the server stores decode to exactly the original's), and the person reads on the file what was removed.
// The photo is made in the test by cjpeg and exiftool (test/helpers/commands.ts), as a phone writes it.
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

const personal = (tags: Record<string, unknown>) =>
  Object.keys(tags).filter((key) => /GPS|Make|Model|Serial|DateTimeOriginal|XMP/i.test(key.split(':')[1] ?? key));

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
    .toBe(en.metadata.locationAndDevice);
});

test('keep-metadata sends the photo as it is', async () => {
  const { el, event, photo, stored } = await uploadPhoto({ 'keep-metadata': '' });
  expect(new Uint8Array(stored)).toEqual(photo);
  expect(personal(await commands.readTags(base64(stored))).length).toBeGreaterThanOrEqual(6);
  expect(event.file.removed).toBeUndefined();
  await expect.poll(() => el.shadowRoot?.querySelector('[part~="result-success"]')).toBeTruthy();
  expect(el.shadowRoot?.querySelector('[part~="result-success"] .removed')).toBeNull();
});
