// The content pipeline's parts as functions: sniffing, name claims, display names, format tables, image headers,
// and the pipeline itself over a stored object (the direct-to-S3 completion reads past its temp head this way).
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { supportedExtensions } from 'file-type';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../src/config.js';
import { parsePreset } from '../src/presets/definition.js';
import { resolveUploadSettings } from '../src/presets/resolve.js';
import { DiskStore } from '../src/stores/disk.js';
import type { Store } from '../src/stores/store.js';
import { assertDeclaredMatches } from '../src/validate/declared.js';
import {
  ACTIVE_FORMATS,
  CLAIMABLE_FORMATS,
  canonicalExtension,
  declaredTypeFormat,
  sameFamily,
} from '../src/validate/formats.js';
import { assertPixels, imageDimensions } from '../src/validate/image.js';
import { claimedExtensions, sanitizeDisplayName, sanitizeDisplayText } from '../src/validate/names.js';
import { validateContent } from '../src/validate/pipeline.js';
import { refineXml, sniffMarkup } from '../src/validate/sniff.js';
import type { ContentType } from '../src/validate/type.js';
import { floodPng, HTML, jpeg, PHP, SHELL, SVG_ONLOAD, SVG_SCRIPT, XML } from './fixtures/content/files.js';
import { bufferSource, buildPdf, qpdfOk, stream, writeSparsePdf } from './fixtures/pdf.js';
import { makePng } from './fixtures/png.js';
import { tempDir } from './helpers.js';

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

describe('sniffMarkup: text-based active content by its head', () => {
  test.each<[string, Buffer, string | null]>([
    ['an HTML document', HTML, 'html'],
    ['a fragment opening with <b>, after white space and a BOM', utf8('\ufeff \n<b>hi</b>'), 'html'],
    ['HTML in UTF-16 with its BOM', utf16le('<html><script>x()</script></html>'), 'html'],
    ['text with a <script> tag further in', utf8('Hello,\nsee <script src=//evil></script>'), 'html'],
    ['an SVG with a script (root element svg)', SVG_SCRIPT, 'svg'],
    ['an SVG without XML declaration', SVG_ONLOAD, 'svg'],
    [
      'an SVG behind a comment and a doctype',
      utf8('<!-- made by hand --><!DOCTYPE svg [<!ENTITY a "b">]><svg/>'),
      'svg',
    ],
    ['plain XML', XML, 'xml'],
    ['XHTML', utf8('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>'), 'html'],
    ['PHP', PHP, 'php'],
    ['PHP after some text', utf8('GIF89a but not really\n<?php echo 1; ?>'), 'php'],
    ['the PHP short echo tag', utf8('<?= $x ?>'), 'php'],
    ['a shell script', SHELL, 'sh'],
    ['plain text', utf8('Dear team, <3 from us'), null],
    ['CSV', utf8('a,b\n1,2\n'), null],
    ['JSON', utf8('{"html": "<b>"}'), null],
    ['binary noise', Buffer.from([0, 1, 2, 3, 0x3c, 0xff]), null],
    // Seen in CI with random test data: binary is not XML for opening with `<` and a letter.
    ['binary that opens with "<a"', Buffer.from([0x3c, 0x61, 0x00, 0x9f, 0x01, 0xfe, 0x10, 0x3c, 0x7a]), null],
    [
      'the same with a <script> further in',
      Buffer.concat([Buffer.from([0x3c, 0x61, 0x00, 0x9f]), utf8('<script>')]),
      'html',
    ],
  ])('%s → %s', (_name, data, expected) => {
    expect(sniffMarkup(data)).toBe(expected);
  });

  test('refineXml tells SVG and XHTML from other XML', () => {
    expect(refineXml(SVG_SCRIPT)).toBe('svg');
    expect(refineXml(XML)).toBe('xml');
    expect(refineXml(utf8('<?xml version="1.0"?><!DOCTYPE html><html/>'))).toBe('html');
  });
});

describe('claimedExtensions: what a name claims, as every reader of it sees it', () => {
  test.each<[string, string[]]>([
    ['photo.jpg', ['jpg']],
    ['PHOTO.JPEG', ['jpg']],
    ['a.php.jpg', ['jpg']],
    ['a.jpg.', ['jpg']],
    ['a.jpg . ', ['jpg']],
    ['a.php\u0000.jpg', ['jpg', 'php']],
    ['photo\u202egnp.exe', ['exe']],
    ['dir/page.htm', ['html']],
    ['README', []],
    ['.bashrc', ['bashrc']],
    ['a.p$p', []],
  ])('"%s" claims %j', (name, claims) => {
    expect(claimedExtensions(name).sort()).toEqual(claims.sort());
  });
});

describe('display names', () => {
  test.each<[string, string]>([
    ['holiday.png', 'holiday'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\Été 2024.jpeg', 'Été 2024'],
    ['CON.txt', '_CON'],
    ['lpt1', '_lpt1'],
    ['aux.tar.gz', '_aux.tar'],
    ['..', 'file'],
    ['...', 'file'],
    ['a.jpg.', 'a'],
    ['invoice\u202efdp.exe', 'invoicefdp'],
    ['zero\u200bwidth\ufeff.txt', 'zerowidth'],
    ['c1\u0085control\u2028.txt', 'c1control'],
    ['e\u0301.png', 'é'],
    ['.hidden', '.hidden'],
    ['', 'file'],
  ])('"%s" shows as "%s"', (name, shown) => {
    expect(sanitizeDisplayName(name)).toBe(shown);
  });

  test('long names are cut at 255 characters, never inside a surrogate pair', () => {
    const shown = sanitizeDisplayName(`${'😀'.repeat(300)}.png`);
    expect(Array.from(shown)).toHaveLength(255);
    expect(shown).not.toMatch(/\p{Cs}/u);
  });

  test('display text loses invisible characters only', () => {
    expect(sanitizeDisplayText('Q3 \u202ereport\u2066 (final)')).toBe('Q3 report (final)');
  });
});

describe('format tables', () => {
  test('every claimable format is one a detector names, so a real file can always match its claim', () => {
    const detectable = new Set<string>([...supportedExtensions, 'html', 'svg']);
    expect([...CLAIMABLE_FORMATS].filter((format) => !detectable.has(format))).toEqual([]);
  });

  test('active formats are those file-type or the sniffer name, or a script known by name', () => {
    const named = new Set<string>([...supportedExtensions, 'html', 'svg', 'php', 'sh', 'js']);
    expect([...ACTIVE_FORMATS].filter((format) => !named.has(format))).toEqual([]);
  });

  test.each([
    ['jpeg', 'jpg'],
    ['TIFF', 'tif'],
    ['htm', 'html'],
    ['wmv', 'asf'],
  ])('the name extension %s is the detector’s %s', (extension, format) => {
    expect(canonicalExtension(extension)).toBe(format);
  });

  test('families: one container, several names', () => {
    expect(sameFamily('mp4', 'm4v')).toBe(true);
    expect(sameFamily('docx', 'zip')).toBe(true);
    expect(sameFamily('tif', 'dng')).toBe(true);
    expect(sameFamily('png', 'jpg')).toBe(false);
    expect(sameFamily('html', 'jpg')).toBe(false);
  });

  test('declared types: specific ones claim, generic ones do not', () => {
    expect(declaredTypeFormat('image/JPEG; q=1')).toBe('jpg');
    expect(declaredTypeFormat('application/octet-stream')).toBe('');
    expect(declaredTypeFormat('text/plain')).toBe('');
  });
});

describe('assertDeclaredMatches', () => {
  const bytes = (format: string, origin: ContentType['origin'] = 'signature', active = false): ContentType => ({
    format,
    kind: 'raw',
    origin,
    active,
  });

  test.each<[string, ContentType, string[], string?]>([
    ['a JPEG named .jpeg', bytes('jpg'), ['a.jpeg']],
    ['an m4v named .mp4', bytes('m4v'), ['clip.mp4']],
    ['a docx file-type reads as a zip', bytes('zip'), ['report.docx']],
    ['text named .dat (file-type knows a "dat", but the name is generic)', bytes('', 'none'), ['notes.dat']],
    ['text named .txt', bytes('txt', 'name'), ['notes.txt']],
    ['a PNG with no extension and a generic type', bytes('png'), ['blob'], 'application/octet-stream'],
    ['a PNG sent as image/png', bytes('png'), ['blob'], 'image/png'],
    // The bytes decide the stored format: a renamed photo is still a photo.
    ['a PNG named .jpg (stored as PNG)', bytes('png'), ['a.jpg']],
    ['a PNG whose filename_override says .gif', bytes('png'), ['a.png', 'a.gif']],
    ['a PNG sent as image/jpeg', bytes('png'), ['blob'], 'image/jpeg'],
    ['a JPEG named .png and sent as image/png', bytes('jpg'), ['scan.png'], 'image/png'],
    ['a PDF named .jpg', bytes('pdf'), ['invoice.jpg']],
  ])('passes: %s', (_name, type, names, declared) => {
    expect(() => assertDeclaredMatches(type, names, declared)).not.toThrow();
  });

  test.each<[string, ContentType, string[], string?]>([
    ['HTML named .jpg', bytes('html', 'markup', true), ['a.jpg']],
    ['an SVG named .png', bytes('svg', 'markup', true), ['logo.png']],
    ['HTML sent as image/jpeg', bytes('html', 'markup', true), ['blob'], 'image/jpeg'],
    ['an ELF executable named .jpg', bytes('elf', 'signature', true), ['photo.jpg']],
    ['a Windows executable sent as image/png', bytes('exe', 'signature', true), ['blob'], 'image/png'],
    ['text named .pdf (nothing proves it)', bytes('', 'none'), ['a.pdf']],
    ['a script known by its name, named .jpg as well', bytes('php', 'name', true), ['a.php.jpg']],
    ['a PNG named .exe (a name that claims an executable)', bytes('png'), ['photo\u202egnp.exe']],
    ['a PNG named .html', bytes('png'), ['page.html']],
    ['a PNG sent as text/html', bytes('png'), ['blob'], 'text/html'],
  ])('→ 415 TYPE_MISMATCH: %s', (_name, type, names, declared) => {
    expect(() => assertDeclaredMatches(type, names, declared)).toThrow(
      expect.objectContaining({ code: 'TYPE_MISMATCH', status: 415 }),
    );
  });
});

describe('image headers', () => {
  test('a JPEG frame header past the head is found by walking the segments', async () => {
    const data = jpeg(3000, 2000, 9);
    const head = data.subarray(0, 512 * 1024);
    expect(data.length).toBeGreaterThan(head.length);
    const source = bufferSource(data);
    expect(await imageDimensions('jpg', head, source)).toEqual({ width: 3000, height: 2000 });
    expect(source.bytesRead).toBeLessThan(200);
  });

  test('the pixel limit: exactly it passes, one more → 422 IMAGE_TOO_LARGE_PIXELS', () => {
    expect(() => assertPixels('png', { width: 10_000, height: 10_000 }, 100_000_000)).not.toThrow();
    expect(() => assertPixels('png', { width: 10_001, height: 10_000 }, 100_000_000)).toThrow(
      expect.objectContaining({ code: 'IMAGE_TOO_LARGE_PIXELS', status: 422 }),
    );
  });

  test('a browser-decoded format whose header gives no size → 415 TYPE_MISMATCH; others keep null', () => {
    expect(() => assertPixels('png', null, 1)).toThrow(expect.objectContaining({ code: 'TYPE_MISMATCH' }));
    expect(() => assertPixels('heic', null, 1)).not.toThrow();
  });
});

describe('configuration', () => {
  test('content defaults: 100 Mpx, active content refused', () => {
    expect(loadConfig({ env: {} }).content).toEqual({ maxImagePixels: 100_000_000, activeContent: 'refuse' });
  });

  test.each([
    [{ maxImagePixels: 0 }, 'content.maxImagePixels'],
    [{ maxImagePixels: 1.5 }, 'content.maxImagePixels'],
    [{ activeContent: 'inline' }, 'content.activeContent'],
  ])('refuses %j', (content, message) => {
    expect(() => loadConfig({ env: {}, overrides: { content: content as never } })).toThrow(message);
  });

  test('a preset may say allow_active_content, as a boolean', () => {
    expect(parsePreset({ allow_active_content: true }, 'files')).toMatchObject({ allow_active_content: true });
    expect(() => parsePreset({ allow_active_content: 'yes' }, 'files')).toThrow('allow_active_content');
    expect(resolveUploadSettings(null, parsePreset({ allow_active_content: false }, 'p'), {}).allowActiveContent).toBe(
      false,
    );
    expect(resolveUploadSettings(null, null, {}).allowActiveContent).toBeNull();
  });
});

/** A store that counts what is read from it, to show the checks read a stored object in small ranges only. */
function countingStore(inner: Store): Store & { bytesRead: number } {
  const counter = {
    bytesRead: 0,
    publish: inner.publish.bind(inner),
    size: inner.size.bind(inner),
    delete: inner.delete.bind(inner),
    list: inner.list.bind(inner),
    close: inner.close.bind(inner),
    async open(key: string, range?: { start: number; end: number }) {
      if (range) counter.bytesRead += range.end - range.start + 1;
      else throw new Error('the checks must never read a whole object');
      return inner.open(key, range);
    },
  };
  return counter;
}

describe('validateContent over a stored object (direct-to-S3 completion: the temp file holds only the head)', () => {
  const HEAD = 1024 * 1024;

  async function stored(data: Buffer, name: string) {
    const dir = await tempDir();
    const store = countingStore(new DiskStore(join(dir, 'store')));
    const full = join(dir, 'full');
    await writeFile(full, data);
    await store.publish(full, 'object-key-1');
    const head = join(dir, 'head');
    await writeFile(head, data.subarray(0, HEAD));
    const ctx = { config: loadConfig({ env: {} }), store };
    const run = () =>
      validateContent(ctx, 'auto', resolveUploadSettings(null, null, {}), {
        tempFile: head,
        bytes: data.length,
        names: [name],
        storedAs: 'object-key-1',
      });
    return { store, run };
  }

  /** A 1.5 MiB PDF (a stream of incompressible filler), so its trailer lies past the 1 MiB head. */
  async function bigPdf(encrypt: boolean): Promise<Buffer> {
    const dir = await tempDir();
    const filler = Array.from({ length: (1536 * 1024) / 16 }, (_, i) => i.toString(16).padStart(15, '0')).join('\n');
    const plain = buildPdf([
      { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
      { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
      { num: 3, body: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>' },
      { num: 4, body: stream('', `% ${filler}\n0 0 1 rg 72 72 468 648 re f`) },
    ]);
    if (!encrypt) return plain;
    await writeFile(join(dir, 'in.pdf'), plain);
    qpdfOk(
      '--compress-streams=n',
      '--encrypt',
      'user',
      'owner',
      '256',
      '--',
      join(dir, 'in.pdf'),
      join(dir, 'out.pdf'),
    );
    const handle = await open(join(dir, 'out.pdf'));
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  test('an encrypted PDF whose /Encrypt lies past the head → 422 PDF_ENCRYPTED, read in small ranges', async () => {
    const data = await bigPdf(true);
    expect(data.length).toBeGreaterThan(HEAD);
    expect(data.subarray(0, HEAD).includes('/Encrypt')).toBe(false);
    const { store, run } = await stored(data, 'contract.pdf');
    await expect(run()).rejects.toMatchObject({ code: 'PDF_ENCRYPTED', status: 422 });
    expect(store.bytesRead).toBeGreaterThan(0);
    expect(store.bytesRead).toBeLessThan(256 * 1024);
  });

  test('the same PDF unencrypted passes', async () => {
    const { run } = await stored(await bigPdf(false), 'contract.pdf');
    await expect(run()).resolves.toMatchObject({ resourceType: 'image', format: 'pdf', active: false });
  });

  test('a JPEG flood whose frame header lies past the head → 422 IMAGE_TOO_LARGE_PIXELS', async () => {
    const data = jpeg(50_000, 50_000, 20);
    expect(data.length).toBeGreaterThan(HEAD);
    const { run } = await stored(data, 'photo.jpg');
    await expect(run()).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE_PIXELS' });
  });
});

describe('validateContent on a local file', () => {
  async function local(data: Uint8Array, name: string) {
    const dir = await tempDir();
    const path = join(dir, 'upload');
    await writeFile(path, data);
    const ctx = { config: loadConfig({ env: {} }), store: new DiskStore(join(dir, 'store')) };
    return validateContent(ctx, 'auto', resolveUploadSettings(null, null, {}), {
      tempFile: path,
      bytes: data.length,
      names: [name],
    });
  }

  test('a PNG: its format, resource type and dimensions from the bytes', async () => {
    await expect(local(makePng(7, 5), 'x.png')).resolves.toEqual({
      resourceType: 'image',
      format: 'png',
      width: 7,
      height: 5,
      active: false,
    });
  });

  test('an SVG is active content, refused by default', async () => {
    await expect(local(SVG_SCRIPT, 'x.svg')).rejects.toMatchObject({ code: 'TYPE_NOT_ALLOWED', status: 415 });
  });

  test('a flood PNG is refused before anything else reads it', async () => {
    await expect(local(floodPng(50_000, 50_000), 'f.png')).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE_PIXELS' });
  });

  test('a 2 GB sparse PDF (exactly the default limit) is checked in bounded time', async () => {
    const dir = await tempDir();
    const path = join(dir, 'sparse.pdf');
    const handle = await open(path, 'w');
    let size: number;
    try {
      size = await writeSparsePdf(handle, 2 * 1024 ** 3);
    } finally {
      await handle.close();
    }
    const ctx = { config: loadConfig({ env: {} }), store: new DiskStore(join(dir, 'store')) };
    const started = performance.now();
    const verdict = await validateContent(ctx, 'auto', resolveUploadSettings(null, null, {}), {
      tempFile: path,
      bytes: size,
      names: ['big.pdf'],
    });
    const elapsed = performance.now() - started;
    expect(size).toBeGreaterThan(2 ** 31 - 8192);
    expect(verdict).toMatchObject({ resourceType: 'image', format: 'pdf' });
    expect(elapsed).toBeLessThan(1000);
    console.log(`validateContent on a 2 GiB sparse PDF: ${elapsed.toFixed(1)} ms`);
  });
});
