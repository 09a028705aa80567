// The Dashboard's thumbnails come from src/uploader/thumbnails.ts (the builds alias @uppy/thumbnail-generator to
// it, dropping exifr): scaled to the Dashboard's width, turned as the photo's EXIF orientation says, only for files
// whose line is in view, and freed when the file leaves.
import { expect, test } from 'vitest';
import { choose, mount } from '../helpers/browser.js';

async function canvasImage(width: number, height: number, type: 'image/png' | 'image/jpeg'): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.fillStyle = '#c33';
  context.fillRect(0, 0, width, height);
  return canvas.convertToBlob({ type });
}

/** A JPEG whose EXIF says "rotate 90° clockwise to show" (orientation 6), as phone cameras write portrait photos. */
async function rotatedJpeg(width: number, height: number): Promise<Blob> {
  const jpeg = new Uint8Array(await (await canvasImage(width, height, 'image/jpeg')).arrayBuffer());
  // APP1: "Exif\0\0", a big-endian TIFF header, one IFD with one entry: Orientation (0x0112), SHORT, 1, value 6.
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
  const body = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const app1 = [0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  return new Blob([jpeg.subarray(0, 2), new Uint8Array(app1), jpeg.subarray(2)], { type: 'image/jpeg' });
}

const natural = (url: string) =>
  new Promise<[number, number]>((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve([image.naturalWidth, image.naturalHeight]);
    image.onerror = reject;
    image.src = url;
  });

test('thumbnails are scaled to the Dashboard width, follow EXIF orientation, and are freed with their file', async () => {
  const el = await mount({ multiple: '' });
  // The Dashboard installed ours under its own id, through the alias (a copy of the module, in its pre-bundle).
  expect(el.uppy?.getPlugin('Dashboard:ThumbnailGenerator')?.constructor.name).toBe('Thumbnails');
  const wide = new File([await canvasImage(1200, 600, 'image/png')], 'wide.png', { type: 'image/png' });
  const portrait = new File([await rotatedJpeg(400, 200)], 'portrait.jpg', { type: 'image/jpeg' });
  const text = new File(['no picture'], 'notes.txt', { type: 'text/plain' });
  choose(el, [wide, portrait, text]);
  const preview = (name: string) => el.uppy?.getFiles().find((f) => f.name === name)?.preview;
  await expect.poll(() => preview('wide.png')).toMatch(/^blob:/);
  await expect.poll(() => preview('portrait.jpg')).toMatch(/^blob:/);
  expect(await natural(preview('wide.png') as string)).toEqual([280, 140]);
  // Stored 400×200, shown 200×400: the browser turned it while decoding.
  expect(await natural(preview('portrait.jpg') as string)).toEqual([200, 400]);
  expect(preview('notes.txt')).toBeUndefined();
  // The Dashboard shows them.
  const shown = [...(el.shadowRoot?.querySelectorAll<HTMLImageElement>('.uppy-Dashboard-Item-previewImg') ?? [])];
  expect(shown.map((img) => img.src).sort()).toEqual([preview('portrait.jpg'), preview('wide.png')].sort());

  const url = preview('wide.png') as string;
  const id = el.uppy?.getFiles().find((f) => f.name === 'wide.png')?.id as string;
  el.uppy?.removeFile(id);
  await expect(natural(url)).rejects.toBeDefined();
});
