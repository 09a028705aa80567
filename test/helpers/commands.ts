// Vitest browser commands: run in Node on behalf of a browser test, to look at what the server left on disk.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserCommand } from 'vitest/node';
import { onePagePdf, qpdfEncryption, qpdfOk } from '../../server/test/fixtures/pdf.js';

async function countFiles(dir: string): Promise<number> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let n = 0;
  for (const entry of entries) n += entry.isDirectory() ? await countFiles(join(dir, entry.name)) : 1;
  return n;
}

/** Files under the server's temp folder: uploads in flight or left behind. */
export const tempFileCount: BrowserCommand<[dataDir: string]> = (_context, dataDir) => countFiles(join(dataDir, 'tmp'));

/** A one-page PDF, password-protected by qpdf (AES-256) when `encrypted`; base64, checked by qpdf itself. */
export const makePdf: BrowserCommand<[encrypted: boolean]> = async (_context, encrypted) => {
  const plain = onePagePdf();
  if (!encrypted) return plain.toString('base64');
  const dir = await mkdtemp(join(tmpdir(), 'signet-pdf-'));
  try {
    await writeFile(join(dir, 'in.pdf'), plain);
    qpdfOk('--encrypt', 'user', 'owner', '256', '--', join(dir, 'in.pdf'), join(dir, 'out.pdf'));
    if (!qpdfEncryption(join(dir, 'out.pdf')).encrypted) throw new Error('qpdf did not encrypt the fixture');
    return (await readFile(join(dir, 'out.pdf'))).toString('base64');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/** In a scratch folder that is removed afterwards. */
async function inScratch<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'signet-photo-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A phone's photo: a 96×64 gradient JPEG (cjpeg) carrying what a phone writes (exiftool): its position, make,
 * model, serial numbers, date, XMP with the position again, and orientation 6 (portrait). Base64.
 */
export const makePhoneJpeg: BrowserCommand<[]> = () =>
  inScratch(async (dir) => {
    const width = 96;
    const height = 64;
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) pixels.set([(i * 7) % 256, (i * 13) % 256, (i * 3) % 256], i * 3);
    const ppm = Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), pixels]);
    const path = join(dir, 'photo.jpg');
    await writeFile(path, execFileSync('cjpeg', [], { input: ppm }));
    execFileSync('exiftool', [
      '-q',
      '-overwrite_original',
      '-GPSLatitude=52.520008',
      '-GPSLatitudeRef=N',
      '-GPSLongitude=13.404954',
      '-GPSLongitudeRef=E',
      '-Make=Signet Phone',
      '-Model=Model X',
      '-SerialNumber=SN-1234567',
      '-DateTimeOriginal=2026:01:02 03:04:05',
      '-XMP:GPSLatitude=52.520008',
      '-Orientation#=6',
      path,
    ]);
    return (await readFile(path)).toString('base64');
  });

/**
 * An iPhone-like HEIC (base64), made by libheif's heif-enc from a JPEG: `width` × `height`, its left half red and
 * its right half blue, with a GPS position in its EXIF.
 */
export const makeHeic: BrowserCommand<[width: number, height: number]> = (_context, width, height) =>
  inScratch(async (dir) => {
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) pixels.set(i % width < width / 2 ? [230, 20, 20] : [20, 20, 230], i * 3);
    const jpeg = join(dir, 'photo.jpg');
    await writeFile(
      jpeg,
      execFileSync('cjpeg', ['-quality', '95'], {
        input: Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), pixels]),
      }),
    );
    execFileSync('exiftool', ['-q', '-overwrite_original', '-GPSLatitude=52.52', '-GPSLatitudeRef=N', jpeg]);
    const heic = join(dir, 'photo.heic');
    execFileSync('heif-enc', ['-q', '90', '-o', heic, jpeg]);
    return (await readFile(heic)).toString('base64');
  });

/** What exiftool reads in a file (base64): its tags as `group:name` → value, numbers as numbers. */
export const readTags: BrowserCommand<[base64: string]> = (_context, base64) =>
  inScratch(async (dir) => {
    const path = join(dir, 'file');
    await writeFile(path, Buffer.from(base64, 'base64'));
    const [tags] = JSON.parse(execFileSync('exiftool', ['-j', '-a', '-G1', '-n', path], { encoding: 'utf8' }));
    return tags as Record<string, unknown>;
  });

/** The person's motion preference, as the operating system tells Chromium (`null`: back to no preference). */
export const reduceMotion: BrowserCommand<[reduce: boolean | null]> = async (context, reduce) => {
  await context.page.emulateMedia({ reducedMotion: reduce === null ? null : reduce ? 'reduce' : 'no-preference' });
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    reduceMotion(reduce: boolean | null): Promise<void>;
    tempFileCount(dataDir: string): Promise<number>;
    makePdf(encrypted: boolean): Promise<string>;
    makePhoneJpeg(): Promise<string>;
    makeHeic(width: number, height: number): Promise<string>;
    readTags(base64: string): Promise<Record<string, unknown>>;
  }
}
