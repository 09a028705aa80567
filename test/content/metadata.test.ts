// stripMetadata against files made by real tools in the test: cjpeg/cwebp encode, exiftool writes the metadata a
// phone writes and reads what is left, djpeg/dwebp decode to compare pixels.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { makePng } from '../../server/test/fixtures/png.js';
import { stripMetadata } from '../../src/content/metadata.js';

const dir = mkdtempSync(join(tmpdir(), 'signet-metadata-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, `${serial++}-${name}`);
  writeFileSync(path, bytes);
  return path;
}

/** A 64×48 gradient as binary PPM, the input cjpeg reads. */
function ppm(width = 64, height = 48): Buffer {
  const header = Buffer.from(`P6\n${width} ${height}\n255\n`);
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set([(i * 7) % 256, (i * 13) % 256, (i * 3) % 256], i * 3);
  return Buffer.concat([header, pixels]);
}

/** What a phone writes: position, device, serials, dates, XMP with the position again, a comment. */
const PHONE_TAGS = [
  '-GPSLatitude=52.520008',
  '-GPSLatitudeRef=N',
  '-GPSLongitude=13.404954',
  '-GPSLongitudeRef=E',
  '-GPSAltitude=34',
  '-Make=Signet Phone',
  '-Model=Model X',
  '-SerialNumber=SN-1234567',
  '-LensSerialNumber=LS-42',
  '-DateTimeOriginal=2026:01:02 03:04:05',
  '-XMP:GPSLatitude=52.520008',
  '-XMP:GPSLongitude=13.404954',
  '-XMP:Creator=Jane Doe',
  '-Comment=taken at home',
];

function withTags(path: string, tags: string[]): Buffer {
  execFileSync('exiftool', ['-q', '-overwrite_original', ...tags, path]);
  return readFileSync(path);
}

function exif(bytes: Uint8Array): Record<string, unknown> {
  const path = file('read', bytes);
  const [tags] = JSON.parse(execFileSync('exiftool', ['-j', '-a', '-G1', '-n', path], { encoding: 'utf8' }));
  return tags;
}

// The ICC profile's own header has "DeviceModel" fields (of the display it describes): colour data, kept.
const personal = (tags: Record<string, unknown>) =>
  Object.keys(tags).filter(
    (k) =>
      !k.startsWith('ICC') &&
      /GPS|Make|Model|Serial|DateTimeOriginal|Creator|Comment|XMP|IPTC|Photoshop|MPF/i.test(k.split(':')[1] ?? k),
  );

const djpeg = (bytes: Uint8Array) => execFileSync('djpeg', ['-pnm', file('in.jpg', bytes)]);

describe('stripMetadata: JPEG', () => {
  for (const progressive of [false, true]) {
    it(`removes position, device and text from a ${progressive ? 'progressive' : 'baseline'} JPEG; same pixels, orientation kept`, () => {
      const path = file('photo.jpg', execFileSync('cjpeg', progressive ? ['-progressive'] : [], { input: ppm() }));
      const original = withTags(path, [...PHONE_TAGS, '-Orientation#=6']);
      expect(personal(exif(original)).length).toBeGreaterThan(8);

      const result = stripMetadata(original)!;
      expect(result.removed).toEqual(['location', 'device', 'other']);
      expect(result.orientation).toBe(6);
      const left = exif(result.bytes);
      expect(personal(left)).toEqual([]);
      expect(left['IFD0:Orientation']).toBe(6);
      expect(djpeg(result.bytes).equals(djpeg(original))).toBe(true);
      expect(result.bytes.length).toBeLessThan(original.length);
    });
  }

  it('keeps the ICC profile and the JFIF header, drops what follows the end of the image', () => {
    const path = file('icc.jpg', execFileSync('cjpeg', [], { input: ppm() }));
    const icc = join(dir, 'profile.icc');
    // exiftool extracts an ICC profile from a file that carries one; make one by writing a small profile first.
    writeFileSync(icc, iccProfile());
    const original = Buffer.concat([
      withTags(path, [`-ICC_Profile<=${icc}`, '-GPSLatitude=1', '-GPSLatitudeRef=N']),
      Buffer.from('trailing secondary image with Exif GPS'),
    ]);
    const result = stripMetadata(original)!;
    const left = exif(result.bytes);
    expect(left['ICC_Profile:ProfileDescription'] ?? left['ICC-header:ProfileClass']).toBeDefined();
    expect(left['JFIF:JFIFVersion']).toBeDefined();
    expect(personal(left)).toEqual([]);
    expect(Buffer.from(result.bytes.subarray(-2)).equals(Buffer.from([0xff, 0xd9]))).toBe(true);
    expect(djpeg(result.bytes).equals(djpeg(original))).toBe(true);
  });

  it('returns the same bytes when there is nothing to remove', () => {
    const plain = execFileSync('cjpeg', [], { input: ppm() });
    const result = stripMetadata(plain)!;
    expect(result.removed).toEqual([]);
    expect(result.bytes).toBe(plain);
  });

  it('gives up (undefined) on a truncated or malformed JPEG rather than guess, and never throws', () => {
    const path = file('photo.jpg', execFileSync('cjpeg', [], { input: ppm() }));
    const original = withTags(path, PHONE_TAGS);
    expect(stripMetadata(original.subarray(0, original.length - 10))).toBeUndefined();
    const badLength = Buffer.from(original);
    badLength.writeUInt16BE(0xffff, 4); // first segment claims to run past the end
    expect(stripMetadata(badLength)).toBeUndefined();
    let seed = 7;
    for (let round = 0; round < 300; round++) {
      const mutated = Buffer.from(original);
      for (let i = 0; i < 4; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        mutated[seed % mutated.length] = seed >>> 24;
      }
      expect(() => stripMetadata(mutated)).not.toThrow();
    }
  });
});

describe('stripMetadata: PNG', () => {
  it('removes eXIf, XMP, text and tIME chunks; same image data; orientation kept', () => {
    const path = file('image.png', makePng(40, 30));
    const original = withTags(path, [
      ...PHONE_TAGS,
      '-Orientation#=8',
      '-PNG:ModifyDate=2026:01:02 03:04:05',
      '-PNG:Description=home',
    ]);
    expect(personal(exif(original)).length).toBeGreaterThan(4);
    const result = stripMetadata(original)!;
    expect(result.removed).toContain('location');
    expect(result.orientation).toBe(8);
    const left = exif(result.bytes);
    expect(personal(left)).toEqual([]);
    expect(left['IFD0:Orientation']).toBe(8);
    expect(Object.keys(left).filter((k) => k.startsWith('PNG:') && /Description|ModifyDate/.test(k))).toEqual([]);
    expect(pngPixels(result.bytes).equals(pngPixels(original))).toBe(true);
  });
});

describe('stripMetadata: WebP', () => {
  it('removes EXIF and XMP chunks, clears their flags, keeps the image; orientation kept', () => {
    const png = file('in.png', makePng(40, 30));
    const webp = join(dir, 'image.webp');
    execFileSync('cwebp', ['-quiet', '-q', '80', png, '-o', webp]);
    const original = withTags(webp, [...PHONE_TAGS.filter((t) => !t.startsWith('-Comment')), '-Orientation#=3']);
    expect(personal(exif(original)).length).toBeGreaterThan(4);
    const result = stripMetadata(original)!;
    expect(result.removed).toEqual(['location', 'device', 'other']);
    const left = exif(result.bytes);
    expect(personal(left)).toEqual([]);
    expect(left['IFD0:Orientation']).toBe(3);
    const decode = (bytes: Uint8Array) => execFileSync('dwebp', ['-quiet', '-ppm', file('in.webp', bytes), '-o', '-']);
    expect(decode(result.bytes).equals(decode(original))).toBe(true);
  });
});

it('leaves other types alone', () => {
  expect(stripMetadata(new TextEncoder().encode('%PDF-1.7 …'))).toBeUndefined();
  expect(stripMetadata(new Uint8Array(0))).toBeUndefined();
});

/** Raw scanlines of a PNG (IDAT inflated), to compare pixels without a decoder. */
function pngPixels(bytes: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  const buf = Buffer.from(bytes);
  for (let at = 8; at < buf.length; ) {
    const length = buf.readUInt32BE(at);
    if (buf.toString('latin1', at + 4, at + 8) === 'IDAT') parts.push(buf.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return inflateSync(Buffer.concat(parts));
}

/** A minimal valid sRGB-like ICC v2 display profile header with a description tag. */
function iccProfile(): Buffer {
  const desc = Buffer.alloc(12 + 4 + 5 + 67);
  desc.write('desc', 0, 'latin1');
  desc.writeUInt32BE(5, 8);
  desc.write('test', 12, 'latin1');
  const size = 128 + 4 + 12 + desc.length;
  const icc = Buffer.alloc(size);
  icc.writeUInt32BE(size, 0);
  icc.write('mntr', 12, 'latin1');
  icc.write('RGB ', 16, 'latin1');
  icc.write('XYZ ', 20, 'latin1');
  icc.writeUInt32BE(0x02100000, 8);
  icc.write('acsp', 36, 'latin1');
  icc.writeUInt32BE(1, 128); // tag count
  icc.write('desc', 132, 'latin1');
  icc.writeUInt32BE(144, 136);
  icc.writeUInt32BE(desc.length, 140);
  desc.copy(icc, 144);
  return icc;
}
