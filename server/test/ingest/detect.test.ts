import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { detect } from '../../src/ingest/detect.js';
import { makePng } from '../fixtures/png.js';
import { tempDir } from '../helpers.js';

const MP4 = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

async function file(data: Uint8Array): Promise<string> {
  const path = join(await tempDir(), 'upload');
  await writeFile(path, data);
  return path;
}

describe('detect', () => {
  test.each([
    ['a PNG', makePng(7, 5), 'x.bin', { resourceType: 'image', format: 'png', width: 7, height: 5 }],
    [
      'a PDF (an image to Cloudinary)',
      PDF,
      'doc.pdf',
      { resourceType: 'image', format: 'pdf', width: null, height: null },
    ],
    ['an MP4', MP4, 'clip.mp4', { resourceType: 'video', format: 'mp4', width: null, height: null }],
    ['text', Buffer.from('hello'), 'notes.TXT', { resourceType: 'raw', format: 'txt', width: null, height: null }],
    [
      'text named like an image',
      Buffer.from('hello'),
      'photo.png',
      { resourceType: 'raw', format: 'png', width: null, height: null },
    ],
  ])('files %s by its bytes under auto', async (_name, data, filename, expected) => {
    expect(await detect(await file(data), filename, 'auto')).toEqual(expected);
  });

  test('raw takes anything; image and video insist (415 TYPE_MISMATCH)', async () => {
    const png = await file(makePng(2, 2));
    expect(await detect(png, 'a.png', 'raw')).toMatchObject({ resourceType: 'raw', format: 'png' });
    await expect(detect(png, 'a.png', 'video')).rejects.toMatchObject({ code: 'TYPE_MISMATCH' });
    await expect(detect(await file(Buffer.from('x')), 'a.png', 'image')).rejects.toMatchObject({
      code: 'TYPE_MISMATCH',
    });
  });
});
