import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  appendUpdate,
  appendXrefStreamUpdate,
  bufferSource,
  buildPdf,
  fileHandleSource,
  lastStartxref,
  onePagePdf,
  qpdf,
  qpdfEncryption,
  qpdfOk,
  replaceLast,
  replaceOnce,
  stream,
  writeSparsePdf,
} from '../../server/test/fixtures/pdf.js';
import {
  blobSource,
  checkPdf,
  isPdfHeader,
  PDF_LIMITS,
  type PdfCheck,
  type PdfLimits,
  pdfCheckError,
} from '../../src/content/pdf.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signet-pdf-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Never skipped: without qpdf every fixture test fails with the install hint, and so does this one, first.
test('qpdf is installed (it makes and verifies the encrypted fixtures)', () => {
  expect(qpdfOk('--version')).toMatch(/^qpdf version \d+/);
});

let counter = 0;
async function save(data: Buffer): Promise<string> {
  const path = join(dir, `fixture-${++counter}.pdf`);
  await writeFile(path, data);
  return path;
}

/** Runs qpdf on the plain one-page PDF and returns the output file and its bytes. */
async function viaQpdf(args: string[]): Promise<{ path: string; data: Buffer }> {
  const source = await save(onePagePdf());
  const path = join(dir, `qpdf-${++counter}.pdf`);
  qpdfOk(...args, source, path);
  return { path, data: await readFile(path) };
}

/** Our detector over an in-memory source; every check also proves that no single read exceeds the window cap. */
async function check(data: Uint8Array, limits?: Partial<PdfLimits>): Promise<PdfCheck> {
  const source = bufferSource(data);
  const result = await checkPdf(source, limits);
  expect(source.largestRead).toBeLessThanOrEqual(limits?.maxDictionaryBytes ?? PDF_LIMITS.maxDictionaryBytes);
  return result;
}

const latin1 = (data: Buffer, from = 0, to = data.length) => data.subarray(from, to).toString('latin1');
const ascii = (text: string) => Buffer.from(text, 'latin1');
const unreadable = (reason: RegExp) => ({ status: 'unreadable', reason: expect.stringMatching(reason) });
const encrypt = (...level: string[]) => ['--encrypt', 'user', 'owner', ...level, '--'];

describe('checkPdf: password-protected PDFs made by qpdf → encrypted', () => {
  const cases = [
    { name: 'RC4 40-bit, user password', args: ['--allow-weak-crypto', ...encrypt('40')], revision: 2 },
    {
      name: 'RC4 128-bit, user password',
      args: ['--allow-weak-crypto', ...encrypt('128', '--use-aes=n')],
      revision: 3,
    },
    { name: 'AES-128, user password', args: encrypt('128', '--use-aes=y'), revision: 4, method: 'AESv2' },
    { name: 'AES-256, user password', args: encrypt('256'), revision: 6, method: 'AESv3' },
    {
      name: 'AES-256, owner password only (opens without a password)',
      args: ['--encrypt', '', 'owner', '256', '--'],
      revision: 6,
      method: 'AESv3',
      needsPassword: false,
    },
    { name: 'linearized AES-128', args: ['--linearize', ...encrypt('128', '--use-aes=y')], revision: 4 },
  ];
  test.each(cases)('$name', async ({ args, revision, method, needsPassword = true }) => {
    const { path, data } = await viaQpdf(args);
    expect(qpdfEncryption(path)).toMatchObject({ encrypted: true, revision, needsPassword, ...(method && { method }) });
    expect(latin1(data, lastStartxref(data), lastStartxref(data) + 4)).toBe('xref');
    expect(await check(data)).toEqual({ status: 'encrypted' });
  });

  test('object streams: /Encrypt is a key of the xref stream dictionary (there is no classic trailer)', async () => {
    const { path, data } = await viaQpdf(['--object-streams=generate', ...encrypt('256')]);
    expect(qpdfEncryption(path)).toMatchObject({ encrypted: true, revision: 6 });
    const section = latin1(data, lastStartxref(data), lastStartxref(data) + 1024);
    expect(section).toMatch(/^\d+ 0 obj\s*<<[\s\S]*\/Type\s*\/XRef/);
    expect(section.slice(0, section.indexOf('stream'))).toContain('/Encrypt');
    expect(latin1(data)).not.toContain('trailer');
    expect(await check(data)).toEqual({ status: 'encrypted' });
  });

  test('/Encrypt only in an earlier classic trailer, reached through /Prev', async () => {
    const { path: basePath, data: base } = await viaQpdf(encrypt('128', '--use-aes=y'));
    const updated = appendUpdate(base);
    const path = await save(updated);
    const newestTrailer = latin1(updated, lastStartxref(updated));
    expect(newestTrailer).toMatch(/\/Prev \d+/);
    expect(newestTrailer).not.toContain('/Encrypt');
    // Oracle, in three parts. The revision reached through /Prev is encrypted:
    expect(qpdfEncryption(basePath)).toMatchObject({ encrypted: true });
    // the appended section is well formed (qpdf follows /Prev and finds object 6 at its new offset):
    expect(qpdfOk('--show-xref', path)).toContain(`6/0: uncompressed; offset = ${base.length + 1}`);
    // and qpdf, which reads /Encrypt from the newest trailer only, calls the file unencrypted but then cannot
    // decode its still-encrypted content. Without the password the document is unusable: we say "encrypted".
    expect(qpdfEncryption(path)).toEqual({ encrypted: false });
    expect(qpdf('--check', path).status).not.toBe(0);
    expect(await check(updated)).toEqual({ status: 'encrypted' });
  });

  test('/Encrypt only in an earlier xref stream dictionary, reached through /Prev from a classic update', async () => {
    const { path: basePath, data: base } = await viaQpdf(['--object-streams=generate', ...encrypt('256')]);
    const updated = appendUpdate(base);
    expect(qpdfEncryption(basePath)).toMatchObject({ encrypted: true });
    expect(qpdfOk('--show-xref', await save(updated))).toContain(`6/0: uncompressed; offset = ${base.length + 1}`);
    expect(await check(updated)).toEqual({ status: 'encrypted' });
  });

  test('/Encrypt only in an earlier xref stream, reached through /Prev from an xref stream update', async () => {
    const { path: basePath, data: base } = await viaQpdf(['--object-streams=generate', ...encrypt('256')]);
    const updated = appendXrefStreamUpdate(base);
    expect(qpdfEncryption(basePath)).toMatchObject({ encrypted: true });
    expect(qpdfOk('--show-xref', await save(updated))).toContain(`6/0: uncompressed; offset = ${base.length + 1}`);
    expect(latin1(updated, lastStartxref(updated))).toMatch(/^\d+ 0 obj\s*<< \/Type \/XRef [^>]*\/Prev \d+/);
    expect(await check(updated)).toEqual({ status: 'encrypted' });
  });

  test('a hex-escaped key (/Encr#79pt is the name /Encrypt)', async () => {
    const { data } = await viaQpdf(encrypt('256'));
    const escaped = replaceLast(data, '/Encrypt', '/Encr#79pt');
    // Only the trailer changed and it sits after the xref table, so every offset is still right.
    expect(qpdfEncryption(await save(escaped))).toMatchObject({ encrypted: true });
    expect(await check(escaped)).toEqual({ status: 'encrypted' });
  });

  test.each([
    { name: 'an inline encryption dictionary', extra: '/Encrypt << /Filter /Standard /V 1 /R 2 >>' },
    { name: 'after a nested value holding ">>" in a string', extra: '/Extra << /A (>>) >> /Encrypt 9 0 R' },
    { name: 'after a comment holding ">>"', extra: '% >>\n/Encrypt 9 0 R' },
    { name: 'after an indirect reference', extra: '/Extra 5 0 R /Encrypt 9 0 R' },
  ])('/Encrypt as a top-level trailer key $name (synthetic, no oracle)', async ({ extra }) => {
    expect(await check(onePagePdf({ trailerExtra: extra }))).toEqual({ status: 'encrypted' });
  });

  test('/Encrypt in the xref stream of a hybrid file, reached through /XRefStm', async () => {
    // Synthetic: the update's first object (right after the '\n' that appendUpdate writes) is the xref stream.
    const plain = onePagePdf();
    const streamAt = plain.length + 1;
    const hybrid = appendUpdate(plain, {
      objects: [{ num: 7, body: stream('/Type /XRef /Size 8 /W [1 2 1] /Index [7 1] /Encrypt 8 0 R', '') }],
      trailerExtra: `/XRefStm ${streamAt}`,
    });
    expect(latin1(hybrid, streamAt, streamAt + 7)).toBe('7 0 obj');
    expect(latin1(hybrid, lastStartxref(hybrid))).not.toContain('/Encrypt');
    expect(await check(hybrid)).toEqual({ status: 'encrypted' });
  });
});

describe('checkPdf: unencrypted PDFs → ok', () => {
  test('a plain one-page PDF', async () => {
    const data = onePagePdf();
    const path = await save(data);
    expect(qpdfOk('--check', path)).toContain('No syntax or stream encoding errors found');
    expect(qpdfEncryption(path)).toEqual({ encrypted: false });
    expect(await check(data)).toEqual({ status: 'ok' });
  });

  test.each([
    { name: 'object streams and an xref stream', args: ['--object-streams=generate'] },
    { name: 'linearized', args: ['--linearize'] },
  ])('$name (rewritten by qpdf)', async ({ args }) => {
    const { path, data } = await viaQpdf(args);
    expect(qpdfEncryption(path)).toEqual({ encrypted: false });
    expect(await check(data)).toEqual({ status: 'ok' });
  });

  test('the text /Encrypt in page content, in strings, a comment, a name value and nested dictionaries', async () => {
    const data = onePagePdf({
      text: '/Encrypt 9 0 R',
      title: 'a \\) /Encrypt 9 0 R',
      trailerExtra: [
        '/ID [(\\) /Encrypt 9 0 R) <2F456E6372797074>]',
        '% /Encrypt 9 0 R',
        '/Extra << /Encrypt 9 0 R /Deeper [<< /Encrypt 9 0 R >>] >> /Note /Encrypt /Str (>> /Encrypt 9 0 R)',
      ].join('\n'),
    });
    const path = await save(data);
    expect(latin1(data).match(/\/Encrypt/g)?.length).toBeGreaterThanOrEqual(8);
    expect(qpdfEncryption(path)).toEqual({ encrypted: false });
    expect(qpdf('--check', path).status).toBe(0);
    expect(await check(data)).toEqual({ status: 'ok' });
  });

  test('/Encrypt null (a null value is an absent key)', async () => {
    const data = onePagePdf({ trailerExtra: '/Encrypt null' });
    expect(qpdfEncryption(await save(data))).toEqual({ encrypted: false });
    expect(await check(data)).toEqual({ status: 'ok' });
  });

  test('incremental updates without /Encrypt, five deep', async () => {
    let data = onePagePdf();
    for (let i = 0; i < 5; i++) data = appendUpdate(data, { objects: [{ num: 6, body: `<< /Title (v${i}) >>` }] });
    expect(qpdf('--check', await save(data)).status).toBe(0);
    expect(await check(data)).toEqual({ status: 'ok' });
  });

  test('an xref stream update on top of an object-stream file', async () => {
    const { data } = await viaQpdf(['--object-streams=generate']);
    const updated = appendXrefStreamUpdate(data);
    const path = await save(updated);
    expect(qpdfOk('--check', path)).toContain('No syntax or stream encoding errors found');
    expect(qpdfOk('--show-xref', path)).toContain(`6/0: uncompressed; offset = ${data.length + 1}`);
    expect(await check(updated)).toEqual({ status: 'ok' });
  });

  test('19-byte xref entries (a single end-of-line byte, as some broken writers emit)', async () => {
    const data = onePagePdf({ entryEol: '\n' });
    expect(qpdfEncryption(await save(data))).toEqual({ encrypted: false });
    expect(await check(data)).toEqual({ status: 'ok' });
  });

  test('a 100,000-entry xref table is skipped by its declared count, not read', async () => {
    const data = onePagePdf({ fillerObjects: 100_000 });
    expect(qpdfEncryption(await save(data))).toEqual({ encrypted: false });
    const source = bufferSource(data);
    expect(await checkPdf(source)).toEqual({ status: 'ok' });
    expect(data.length).toBeGreaterThan(3_000_000);
    expect(source.bytesRead).toBeLessThan(16 * 1024);
  });

  test('a trailer longer than the first read window (10 KiB) is read by growing the window', async () => {
    const data = onePagePdf({ trailerExtra: `/Junk (${'x'.repeat(10 * 1024)})` });
    expect(await check(data)).toEqual({ status: 'ok' });
  });
});

describe('checkPdf: broken chains → unreadable', () => {
  test('a file cut in the middle (plain and encrypted)', async () => {
    const { data: aes } = await viaQpdf(encrypt('256'));
    for (const whole of [onePagePdf(), aes]) {
      const cut = whole.subarray(0, Math.floor(whole.length / 2));
      expect(qpdf('--check', await save(Buffer.from(cut))).status).not.toBe(0);
      expect(await check(cut)).toEqual(unreadable(/no startxref/));
    }
  });

  test('startxref pointing past the end of the file', async () => {
    const data = onePagePdf();
    const broken = replaceLast(data, `startxref\n${lastStartxref(data)}`, `startxref\n${data.length + 1000}`);
    expect(qpdf('--check', await save(broken)).status).not.toBe(0);
    expect(await check(broken)).toEqual(unreadable(/startxref offset \d+ is past the end/));
  });

  test('a /Prev chain that loops A → B → A', async () => {
    const a = onePagePdf({ trailerExtra: '/Prev 9999999999' });
    const ab = appendUpdate(a, { prev: lastStartxref(a) });
    // Same width, so no offset moves: A's trailer now points at B's xref section.
    const loop = replaceOnce(ab, '/Prev 9999999999', `/Prev ${String(lastStartxref(ab)).padStart(10, '0')}`);
    expect(qpdf('--check', await save(loop)).stderr).toMatch(/loop/i);
    expect(await check(loop)).toEqual(unreadable(/loops back to offset/));
  });

  test('a trailer whose /Prev is its own section', async () => {
    const data = onePagePdf({ trailerExtra: '/Prev 9999999999' });
    const self = replaceOnce(data, '/Prev 9999999999', `/Prev ${String(lastStartxref(data)).padStart(10, '0')}`);
    expect(await check(self)).toEqual(unreadable(/loops back/));
  });

  test.each([
    { name: '/Prev past the end of the file', extra: '/Prev 99999999', reason: /\/Prev offset \d+ is past the end/ },
    { name: '/Prev that is not an offset', extra: '/Prev 5 0 R', reason: /\/Prev is not an offset/ },
    { name: 'a negative /Prev', extra: '/Prev -5', reason: /\/Prev is not an offset/ },
    { name: '/Prev pointing at an ordinary object', extra: '/Prev 15', reason: /object but not an xref stream/ },
    { name: '/Prev pointing into the middle of a line', extra: '/Prev 18', reason: /neither an xref table/ },
    { name: '/XRefStm past the end of the file', extra: '/XRefStm 99999999', reason: /\/XRefStm offset/ },
    { name: 'an unbalanced nested dictionary', extra: '/Extra << /A [1 2 >> ]', reason: /mismatched/ },
    { name: 'a stray delimiter', extra: '/A ) /B 1', reason: /unexpected "\)"/ },
  ])('$name', async ({ extra, reason }) => {
    expect(await check(onePagePdf({ trailerExtra: extra }))).toEqual(unreadable(reason));
  });

  test.each([
    { name: 'no trailer keyword after the table', from: 'trailer\n', to: 'trailex\n', reason: /malformed xref table/ },
    {
      name: 'a subsection count that runs past the end',
      from: 'xref\n0 7\n',
      to: 'xref\n0 7000000\n',
      reason: /runs past/,
    },
    {
      name: 'a garbled xref entry',
      from: '0000000000 65535 f',
      to: '00000000x0 65535 f',
      reason: /malformed xref entry/,
    },
    {
      name: 'an unterminated trailer',
      from: '/Info 6 0 R',
      to: '/Info 6 0 R (unclosed',
      reason: /unterminated string/,
    },
  ])('$name', async ({ from, to, reason }) => {
    expect(await check(replaceOnce(onePagePdf(), from, to))).toEqual(unreadable(reason));
  });

  test('not a PDF, or empty', async () => {
    expect(await check(Buffer.from('hello, world\n'.repeat(200)))).toEqual(unreadable(/no %PDF- header/));
    expect(await check(new Uint8Array(0))).toEqual(unreadable(/no %PDF- header/));
    expect(await check(Buffer.from('%PDF-1.7\nstartxref\n'))).toEqual(unreadable(/not followed by an offset/));
  });

  test('limits: too many sections, too much reading, a dictionary beyond the window cap', async () => {
    let chain = onePagePdf();
    for (let i = 0; i < 5; i++) chain = appendUpdate(chain);
    expect(await check(chain)).toEqual({ status: 'ok' });
    expect(await check(chain, { maxSections: 3 })).toEqual(unreadable(/more than 3 cross-reference sections/));
    expect(await check(chain, { maxReadBytes: 2000 })).toEqual(unreadable(/more than 2000 bytes/));
    const huge = onePagePdf({ trailerExtra: `/Junk (${'x'.repeat(70 * 1024)})` });
    expect(await check(huge)).toEqual(unreadable(/larger than 65536 bytes/));
  });
});

test('mutated tails never throw and never read past the limits (2,000 seeded mutations)', async () => {
  const { data: aes } = await viaQpdf(encrypt('256'));
  const { data: streams } = await viaQpdf(['--object-streams=generate']);
  let seed = 42;
  // A tiny LCG: deterministic, so a failure reproduces.
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const junk = ascii('<<>>[]()/%\\ 0123456789RobjxreftrailerPrev\n');
  for (let i = 0; i < 2000; i++) {
    const original = [onePagePdf(), aes, streams, appendUpdate(onePagePdf())][i % 4]!;
    const mutated = Buffer.from(original);
    for (let n = 1 + random(4); n > 0; n--) {
      mutated[mutated.length - 1 - random(Math.min(700, mutated.length))] = junk[random(junk.length)]!;
    }
    const source = bufferSource(mutated);
    const result = await checkPdf(source);
    expect(['ok', 'encrypted', 'unreadable']).toContain(result.status);
    expect(source.bytesRead).toBeLessThanOrEqual(PDF_LIMITS.maxReadBytes);
  }
});

describe('checkPdf on real file handles and Blobs', () => {
  test('a 2 GB sparse PDF is checked from a few KiB through a FileHandle', async () => {
    const path = join(dir, 'sparse-2g.pdf');
    const handle = await open(path, 'w+');
    try {
      const size = await writeSparsePdf(handle, 2 ** 31 + 8192);
      expect((await handle.stat()).size).toBe(size);
      expect(qpdfOk('--check', path)).toContain('No syntax or stream encoding errors found');

      const source = fileHandleSource(handle, size);
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const result = await checkPdf(source);
      const ms = performance.now() - started;
      const rssDelta = process.memoryUsage().rss - rssBefore;
      const onDisk = (await stat(path)).blocks * 512;
      console.info(
        `2 GB sparse PDF (${size} bytes, ${onDisk} on disk): ${source.bytesRead} bytes read, ` +
          `${ms.toFixed(1)} ms, RSS delta ${(rssDelta / 1024).toFixed(0)} KiB`,
      );
      expect(result).toEqual({ status: 'ok' });
      expect(source.bytesRead).toBeLessThan(1024 * 1024);
    } finally {
      await handle.close();
      await rm(path, { force: true });
    }
  });

  test('blobSource over a Blob: one encrypted and one plain PDF', async () => {
    const { data: aes } = await viaQpdf(encrypt('256'));
    expect(await checkPdf(blobSource(new Blob([new Uint8Array(aes)])))).toEqual({ status: 'encrypted' });
    expect(await checkPdf(blobSource(new Blob([new Uint8Array(onePagePdf())])))).toEqual({ status: 'ok' });
  });

  test('errors from the source are not a verdict on the file and propagate', async () => {
    const failing = { size: 4096, read: () => Promise.reject(new Error('EIO')) };
    await expect(checkPdf(failing)).rejects.toThrow('EIO');
  });

  test('a source that returns fewer bytes than asked (the file changed) → unreadable', async () => {
    const data = onePagePdf();
    const short = { size: data.length + 10, read: async (o: number, n: number) => data.subarray(o, o + n) };
    expect(await checkPdf(short)).toEqual(unreadable(/short read/));
  });
});

describe('isPdfHeader: %PDF- within the first 1024 bytes', () => {
  test.each([
    { name: 'at the start', head: '%PDF-1.7\n', expected: true },
    { name: 'ending at byte 1024', head: `${' '.repeat(1019)}%PDF-1.4`, expected: true },
    { name: 'ending at byte 1025', head: `${' '.repeat(1020)}%PDF-1.4`, expected: false },
    { name: 'without the dash', head: '%PDF1.7', expected: false },
    { name: 'empty', head: '', expected: false },
    { name: 'a PNG', head: '\x89PNG\r\n\x1a\n', expected: false },
  ])('$name → $expected', ({ head, expected }) => {
    expect(isPdfHeader(ascii(head))).toBe(expected);
  });
});

describe('pdfCheckError: statuses to UploadError codes', () => {
  test('encrypted → 422 PDF_ENCRYPTED, unreadable → 422 PDF_UNREADABLE, ok → none', () => {
    expect(pdfCheckError({ status: 'encrypted' })).toMatchObject({ code: 'PDF_ENCRYPTED', status: 422 });
    expect(pdfCheckError({ status: 'unreadable', reason: 'x' })).toMatchObject({ code: 'PDF_UNREADABLE', status: 422 });
    expect(pdfCheckError({ status: 'ok' })).toBeUndefined();
  });
});

test('fixtures: buildPdf writes exact offsets (qpdf reports no damage)', async () => {
  const data = buildPdf([
    { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
    { num: 2, body: '<< /Type /Pages /Kids [] /Count 0 >>' },
  ]);
  expect(qpdf('--check', await save(data)).stderr).toBe('');
});
