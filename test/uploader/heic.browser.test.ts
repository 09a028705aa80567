// Issue 19, HEIC photos from iPhones: made here by libheif's heif-enc (with a GPS position), chosen in Chromium, which
// cannot show HEIC. They become JPEG in the browser before they join the queue (lazy libheif), so the Dashboard has
// a preview and the server stores a JPEG: upright, the same picture, no location. A page whose `accept` names HEIC
// gets the file as it is.
import { afterEach, expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import { en } from '../../src/locales/en.js';
import { choose, mount, next, pressUpload, sha256 } from '../helpers/browser.js';

const mounted: HTMLElement[] = [];
afterEach(() => {
  for (const el of mounted.splice(0)) el.remove();
});

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

function base64(bytes: ArrayBuffer): string {
  let text = '';
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text);
}

/** How many pixels of the decoded picture are red on the left half and blue on the right. */
async function halves(bytes: ArrayBuffer) {
  const bitmap = await createImageBitmap(new Blob([bytes]));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.drawImage(bitmap, 0, 0);
  const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  let right = 0;
  for (let y = 0; y < bitmap.height; y++)
    for (let x = 0; x < bitmap.width; x++) {
      const i = (y * bitmap.width + x) * 4;
      const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
      const red = r > 180 && g < 70 && b < 70;
      const blue = b > 180 && r < 70 && g < 70;
      // Away from the seam, where JPEG blends the halves.
      if (Math.abs(x - bitmap.width / 2) > 4 && (x < bitmap.width / 2 ? red : blue)) right++;
    }
  return { width: bitmap.width, height: bitmap.height, right, away: bitmap.height * (bitmap.width - 10) };
}

test('a HEIC photo becomes a JPEG before it joins the queue: previewed, stored as JPEG, same picture, no location', async () => {
  const heic = fromBase64(await commands.makeHeic(96, 64));
  // Chromium cannot decode HEIC itself: what the test checks below is the converter's work.
  await expect(createImageBitmap(new Blob([heic], { type: 'image/heic' }))).rejects.toThrow();
  const el = await mount({ accept: 'image/*' });
  mounted.push(el);
  choose(el, [new File([heic], 'IMG_0001.HEIC', { type: 'image/heic' })]);
  // In the queue as a JPEG, with a preview drawn from it.
  await expect
    .poll(() => el.shadowRoot?.querySelector('.uppy-Dashboard-Item-name')?.textContent?.trim())
    .toBe('IMG_0001.jpg');
  await expect.poll(() => el.shadowRoot?.querySelector('.uppy-Dashboard-Item-previewImg')).toBeTruthy();

  const success = next(el, 'signet-upload-success');
  await pressUpload(el);
  const event = await success;
  expect(event.file.converted).toEqual({ from: 'image/heic', to: 'image/jpeg' });
  expect(event.file.name).toBe('IMG_0001.jpg');
  expect(event.response.format).toBe('jpg');
  const stored = await (await fetch(event.response.secure_url)).arrayBuffer();
  expect(new Uint8Array(stored.slice(0, 3))).toEqual(new Uint8Array([0xff, 0xd8, 0xff]));
  const picture = await halves(stored);
  expect([picture.width, picture.height]).toEqual([96, 64]);
  expect(picture.right).toBeGreaterThan(picture.away * 0.98);
  const tags = await commands.readTags(base64(stored));
  expect(Object.keys(tags).filter((key) => /GPS/.test(key))).toEqual([]);
  await expect
    .poll(() => el.shadowRoot?.querySelector('[part~="result-success"] .converted')?.textContent?.trim())
    .toBe(en.photos.converted);
});

test('a page whose accept names HEIC gets the very file', async () => {
  const heic = fromBase64(await commands.makeHeic(32, 32));
  const el = await mount({ accept: 'image/heic,image/jpeg', 'keep-metadata': '' });
  mounted.push(el);
  choose(el, [new File([heic], 'IMG_0002.HEIC', { type: 'image/heic' })]);
  const success = next(el, 'signet-upload-success');
  await pressUpload(el);
  const event = await success;
  expect(event.file.converted).toBeUndefined();
  expect(event.file.name).toBe('IMG_0002.HEIC');
  const stored = await (await fetch(event.response.secure_url)).arrayBuffer();
  expect(await sha256(stored)).toBe(await sha256(heic));
});
