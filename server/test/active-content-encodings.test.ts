// Active content is found in UTF-8, UTF-16 and UTF-32, with or without a byte-order mark, and real binary formats
// are never read as text (issue 12 case 8; security cases 22 and 44). Before: HTML in UTF-16 LE with its mark was
// stored as MPEG audio (`FF FE` reads as a frame header), and without a mark as a plain text file.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { declaredText, sniffMarkup } from '../src/validate/sniff.js';
import { HTML, jpeg, PHP, SHELL, SVG_ONLOAD, SVG_SCRIPT, XML } from './fixtures/content/files.js';
import { onePagePdf } from './fixtures/pdf.js';
import { makePng } from './fixtures/png.js';
import {
  dataState,
  expectError,
  expectNothingStored,
  type JsonResponse,
  nowSeconds,
  postUpload,
  signed,
  startTestServer,
  type TestServer,
} from './helpers.js';

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';
const ENCODINGS: Encoding[] = ['utf-8', 'utf-16le', 'utf-16be', 'utf-32le', 'utf-32be'];
const BOMS: Record<Encoding, number[]> = {
  'utf-8': [0xef, 0xbb, 0xbf],
  'utf-16le': [0xff, 0xfe],
  'utf-16be': [0xfe, 0xff],
  'utf-32le': [0xff, 0xfe, 0x00, 0x00],
  'utf-32be': [0x00, 0x00, 0xfe, 0xff],
};

function encode(text: string, encoding: Encoding, bom: boolean): Buffer {
  let body: Buffer;
  if (encoding === 'utf-8') body = Buffer.from(text, 'utf8');
  else if (encoding === 'utf-16le') body = Buffer.from(text, 'utf16le');
  else if (encoding === 'utf-16be') body = Buffer.from(text, 'utf16le').swap16();
  else {
    const points = Array.from(text, (char) => char.codePointAt(0) as number);
    body = Buffer.alloc(points.length * 4);
    for (const [i, point] of points.entries()) {
      if (encoding === 'utf-32le') body.writeUInt32LE(point, i * 4);
      else body.writeUInt32BE(point, i * 4);
    }
  }
  return bom ? Buffer.concat([Buffer.from(BOMS[encoding]), body]) : body;
}

const PAYLOADS: [name: string, text: string, format: string][] = [
  ['an HTML page', HTML.toString('utf8'), 'html'],
  ['text with a <script> further in', 'Dear team,\nthe report: <script src="//evil.example/x.js"></script>\n', 'html'],
  ['an SVG with onload', SVG_ONLOAD.toString('utf8'), 'svg'],
  ['an SVG with a script, behind an XML declaration', SVG_SCRIPT.toString('utf8'), 'svg'],
  ['plain XML', XML.toString('utf8'), 'xml'],
  ['a PHP script', PHP.toString('utf8'), 'php'],
  ['a shell script', SHELL.toString('utf8'), 'sh'],
  // Text in another script first: no encoding can be told from the first characters, the markup is still found.
  ['HTML after a preamble in Greek', 'Αγαπητή ομάδα, <script>alert(1)</script>', 'html'],
];

const MATRIX = PAYLOADS.flatMap(([name, text, format]) =>
  ENCODINGS.flatMap((encoding) =>
    [true, false].map(
      (bom) => [`${name} in ${encoding} ${bom ? 'with' : 'without'} a BOM`, text, format, encoding, bom] as const,
    ),
  ),
);

function contentServer(): Promise<TestServer> {
  return startTestServer({ config: { presets: { files: { allow_active_content: true } } } });
}

// Every upload signs its own timestamp, so equal parameters never make a replayed signature.
const START = nowSeconds();
let tick = 0;
function upload(
  server: TestServer,
  data: Uint8Array,
  name: string,
  params: Record<string, string> = {},
): Promise<JsonResponse> {
  return postUpload(server, signed(server, { timestamp: START - ++tick, ...params }), { data, name });
}

describe('active content in every Unicode encoding is refused (TYPE_NOT_ALLOWED: 415, shown to the SDKs as 400), nothing stored', () => {
  test.each(MATRIX)('%s', async (_name, text, format, encoding, bom) => {
    const server = await contentServer();
    const data = encode(text, encoding, bom);
    const response = await upload(server, data, 'notes.txt');
    expectError(response, 400, 'TYPE_NOT_ALLOWED');
    expect((response.body.error as { message: string }).message).toContain(`${format.toUpperCase()} files`);
    await expectNothingStored(server);
    // The detector on its own, without the name: the same kind.
    expect(sniffMarkup(data)).toBe(format);
  });

  test.each([
    ['utf-16le', true],
    ['utf-32le', true],
    ['utf-16be', false],
    ['utf-32be', false],
  ] as const)('HTML in %s (BOM: %s) named song.mp3 → TYPE_MISMATCH, never audio', async (encoding, bom) => {
    const server = await contentServer();
    const response = await upload(server, encode(HTML.toString('utf8'), encoding, bom), 'song.mp3');
    expectError(response, 400, 'TYPE_MISMATCH');
    expect((response.body.error as { message: string }).message).toContain('its content is HTML');
    await expectNothingStored(server);
  });
});

describe('where a preset allows active content, it is stored as what it is: raw markup, an attachment', () => {
  test.each([
    ['utf-16le', true, 'html', HTML],
    ['utf-32le', true, 'html', HTML],
    ['utf-16be', false, 'svg', SVG_ONLOAD],
    ['utf-32be', true, 'php', PHP],
  ] as const)('%s (BOM: %s) → %s', async (encoding, bom, format, payload) => {
    const server = await contentServer();
    const response = await upload(server, encode(payload.toString('utf8'), encoding, bom), 'page', {
      upload_preset: 'files',
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ resource_type: 'raw', format });
    const delivered = await fetch(String(response.body.secure_url));
    expect(delivered.headers.get('content-disposition')).toMatch(/^attachment/);
    await delivered.arrayBuffer();
  });
});

describe('plain text in every encoding is text, stored under its own name', () => {
  const LETTER = 'Dear team,\nplease find the numbers below: 3 < 4 and 5 > 2.\nΧαιρετισμοί\n';
  test.each(ENCODINGS.flatMap((encoding) => [true, false].map((bom) => [encoding, bom] as const)))(
    '%s (BOM: %s) → raw txt',
    async (encoding, bom) => {
      const server = await contentServer();
      const data = encode(LETTER, encoding, bom);
      const response = await upload(server, data, 'letter.txt');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ resource_type: 'raw', format: 'txt', bytes: data.length });
    },
  );
});

/** An MPEG audio frame: the header, then `size - 4` bytes of `fill`. */
function mpegFrames(header: number[], count: number, fill: (i: number) => number): Buffer {
  const frame = Buffer.alloc(417);
  frame.set(header, 0);
  for (let i = 4; i < frame.length; i++) frame[i] = fill(i);
  return Buffer.concat(Array.from({ length: count }, () => frame));
}

/** An ID3v2.3 tag with one title frame, before MPEG-1 Layer III frames. */
function mp3WithId3(): Buffer {
  const title = Buffer.concat([Buffer.from('TIT2'), Buffer.from([0, 0, 0, 6, 0, 0, 0]), Buffer.from('Song!')]);
  const header = Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, title.length]);
  return Buffer.concat([header, title, mpegFrames([0xff, 0xfb, 0x90, 0x64], 4, (i) => (i * 31) & 0xff)]);
}

function mp4(): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write('ftypisom', 4, 'latin1');
  ftyp.writeUInt32BE(0x200, 12);
  ftyp.write('isomiso2', 16, 'latin1');
  const mdat = Buffer.alloc(64, 7);
  mdat.writeUInt32BE(64, 0);
  mdat.write('mdat', 4, 'latin1');
  return Buffer.concat([ftyp, mdat]);
}

/** A 16-bit PCM WAV whose samples spell `<script>` in UTF-16 LE: markup inside a binary format is only data. */
function wavSpellingScript(): Buffer {
  const samples = Buffer.from('<script>alert(1)</script>'.repeat(8), 'utf16le');
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + samples.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]);
}

describe('real binary formats are never read as text', () => {
  test.each<[string, Buffer, string, string]>([
    ['a PNG', makePng(12, 9), 'photo.png', 'png'],
    ['a JPEG', jpeg(64, 48), 'photo.jpg', 'jpg'],
    ['a PDF', onePagePdf(), 'doc.pdf', 'pdf'],
    ['an MP3 with an ID3 tag', mp3WithId3(), 'song.mp3', 'mp3'],
    ['an MP3 without a tag', mpegFrames([0xff, 0xfb, 0x90, 0x64], 4, (i) => (i * 31) & 0xff), 'song.mp3', 'mp3'],
    // Its header begins FF FE, UTF-16 LE's byte-order mark; the frame data does not decode as text.
    ['MPEG-1 Layer I with CRC', mpegFrames([0xff, 0xfe, 0x90, 0x00], 4, (i) => (i * 73 + 11) & 0xff), 'a.mp1', 'mp1'],
    ['an MP4', mp4(), 'clip.mp4', 'mp4'],
    ['a WAV whose samples spell <script> in UTF-16', wavSpellingScript(), 'sound.wav', 'wav'],
  ])('%s is stored as %s', async (_name, data, name, format) => {
    const server = await contentServer();
    const response = await upload(server, data, name);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ format: format, bytes: data.length });
    expect(response.body.etag).toBe(createHash('md5').update(data).digest('hex'));
    const state = await dataState(server);
    expect(state.rows.map((row) => row.format)).toEqual([format]);
    expect(state.tmpFiles).toEqual([]);
    expect(declaredText(data)?.clean ?? false).toBe(false);
  });
});
