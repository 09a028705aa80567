// Content safety over HTTP (issue 7, security cases 18–25): every refusal has its code and leaves nothing behind,
// over the Cloudinary endpoint, over the chunked path and in the form Companion posts for URL and Dropbox imports.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DeepPartial, ServerConfig, SignetServer } from '../src/index.js';
import {
  CSV,
  elf,
  floodPng,
  HTML,
  jpeg,
  PHP,
  PLAIN,
  SHELL,
  SVG_ONLOAD,
  SVG_SCRIPT,
  XML,
} from './fixtures/content/files.js';
import { download, type RawResponse, rawPost, uploadForm } from './fixtures/content/raw-http.js';
import { appendUpdate, onePagePdf, qpdfOk } from './fixtures/pdf.js';
import { makePng } from './fixtures/png.js';
import { dataState, expectNothingStored, nowSeconds, signed, startTestServer } from './helpers.js';
import { awaitUpload, getBody, postJson } from './remote/companion-client.js';
import { serve, startRemoteServer } from './remote/remote-server.js';

const LIMIT = 4096;
const png = makePng(20, 10);
const jpg = jpeg(640, 480);

// Equal parameters with one timestamp would be one signature, i.e. a replay: every upload signs its own timestamp,
// counting down from the start (well inside the signing window).
const START = nowSeconds();
let tick = 0;
const fieldsFor = (server: SignetServer, params: Record<string, string> = {}) =>
  signed(server, { timestamp: START - ++tick, ...params });

interface Sent {
  data: Uint8Array;
  name: string;
  params?: Record<string, string>;
  contentType?: string;
  resourceType?: string;
  /** Send the name percent-encoded (`filename*=`), as browsers may for names outside ASCII. */
  encodeName?: boolean;
}

/**
 * The three ways bytes reach the Upload API. `single`: one request with a Content-Length, as the SDKs send it.
 * `chunked`: Cloudinary's chunked protocol, two chunks, refused at the assembly (or earlier). `companion`: what
 * Companion's `got` posts for a URL or Dropbox import: fields then the file as application/octet-stream, a
 * form-data-encoder boundary, Transfer-Encoding: chunked and no Content-Length.
 */
const TRANSPORTS = {
  async single(server: SignetServer, sent: Sent): Promise<RawResponse> {
    const form = uploadForm(fieldsFor(server, sent.params), {
      ...sent,
      contentType: sent.contentType ?? 'application/octet-stream',
    });
    return rawPost(server.url, {
      path: uploadPath(server, sent.resourceType),
      headers: {
        'Content-Type': `multipart/form-data; boundary=${form.boundary}`,
        'Content-Length': String(form.body.length),
      },
      body: [form.body],
    });
  },
  async chunked(server: SignetServer, sent: Sent): Promise<RawResponse> {
    const fields = fieldsFor(server, sent.params);
    const total = sent.data.length;
    const cut = Math.max(1, Math.floor(total / 2));
    const uploadId = `content-${++tick}-${Date.now()}`;
    let response: RawResponse | undefined;
    for (const [start, end] of [
      [0, cut],
      [cut, total],
    ] as const) {
      const form = uploadForm(fields, { ...sent, data: sent.data.subarray(start, end) });
      response = await rawPost(server.url, {
        path: uploadPath(server, sent.resourceType),
        headers: {
          'Content-Type': `multipart/form-data; boundary=${form.boundary}`,
          'Content-Length': String(form.body.length),
          'X-Unique-Upload-Id': uploadId,
          'Content-Range': `bytes ${start}-${end - 1}/${total}`,
        },
        body: [form.body],
      });
      if (response.status !== 200 || response.body?.done !== false) return response;
    }
    return response as RawResponse;
  },
  async companion(server: SignetServer, sent: Sent): Promise<RawResponse> {
    const form = uploadForm(fieldsFor(server, sent.params), { ...sent, contentType: 'application/octet-stream' });
    const pieces = [form.body.subarray(0, 100), form.body.subarray(100)];
    return rawPost(server.url, {
      path: uploadPath(server, sent.resourceType),
      headers: {
        'Content-Type': `multipart/form-data; boundary=${form.boundary}`,
        'User-Agent': 'got (https://github.com/sindresorhus/got)',
      },
      body: pieces,
      chunked: true,
    });
  },
} as const;

type Transport = keyof typeof TRANSPORTS;
const ALL: Transport[] = ['single', 'chunked', 'companion'];

function uploadPath(server: SignetServer, resourceType = 'auto'): string {
  return `/v1_1/${server.credentials.cloud_name}/${resourceType}/upload`;
}

function code(response: RawResponse): { status: number; code: unknown } {
  return { status: response.status, code: (response.body?.error as { code?: string } | undefined)?.code };
}

function message(response: RawResponse): string {
  return (response.body?.error as { message?: string } | undefined)?.message ?? '';
}

function contentServer(config: DeepPartial<ServerConfig> = {}) {
  return startTestServer({ config: { limits: { maxFileSize: LIMIT }, ...config } });
}

describe.each(ALL)('refusals over the %s path leave nothing stored', (transport) => {
  const send = TRANSPORTS[transport];

  test.each([
    ['HTML named photo.jpg', HTML, 'photo.jpg'],
    ['an ELF executable named photo.jpg', elf(), 'photo.jpg'],
    ['PHP named photo.jpg', PHP, 'photo.jpg'],
    ['PHP named a.php.jpg', PHP, 'a.php.jpg'],
    ['HTML named a.jpg. (Windows drops the dot)', HTML, 'a.jpg.'],
    ['plain text named report.pdf', PLAIN, 'report.pdf'],
    ['an SVG with onload named logo.png', SVG_ONLOAD, 'logo.png'],
    ['a PNG named with a right-to-left override to look like .png (photo‮gnp.exe)', png, 'photo\u202egnp.exe'],
  ])('%s → 415 TYPE_MISMATCH', async (_name, data, name) => {
    const server = await contentServer();
    expect(code(await send(server, { data, name }))).toEqual({ status: 400, code: 'TYPE_MISMATCH' });
    await expectNothingStored(server);
  });

  test('PHP named a.php<NUL>.jpg → 415 TYPE_MISMATCH (percent-encoded); a raw NUL in the part header → 400', async () => {
    const server = await contentServer();
    const encoded = await send(server, { data: PHP, name: 'a.php\u0000.jpg', encodeName: true });
    expect(code(encoded)).toEqual({ status: 400, code: 'TYPE_MISMATCH' });
    // busboy refuses a control byte in a part's headers outright.
    expect(code(await send(server, { data: PHP, name: 'a.php\u0000.jpg' }))).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
    });
    await expectNothingStored(server);
  });

  test.each([
    ['an SVG with a script', SVG_SCRIPT, 'logo.svg'],
    ['an SVG with onload and no extension', SVG_ONLOAD, 'logo'],
    ['HTML named page.html', HTML, 'page.html'],
    ['HTML named notes.txt', HTML, 'notes.txt'],
    ['XML', XML, 'order.xml'],
    ['PHP named shell.php', PHP, 'shell.php'],
    ['a shell script with no extension', SHELL, 'install'],
    ['JavaScript (known only by its name)', Buffer.from('alert(1)\n'), 'app.js'],
    ['an ELF executable named tool', elf(), 'tool'],
  ])('active content: %s → 415 TYPE_NOT_ALLOWED', async (_name, data, name) => {
    const server = await contentServer();
    expect(code(await send(server, { data, name }))).toEqual({ status: 400, code: 'TYPE_NOT_ALLOWED' });
    await expectNothingStored(server);
  });

  test('a PNG declaring 50,000 × 50,000 pixels → 422 IMAGE_TOO_LARGE_PIXELS, decided from its header', async () => {
    const server = await contentServer();
    const flood = floodPng(50_000, 50_000);
    expect(flood.length).toBeLessThan(200);
    expect(code(await send(server, { data: flood, name: 'flood.png' }))).toEqual({
      status: 400,
      code: 'IMAGE_TOO_LARGE_PIXELS',
    });
    await expectNothingStored(server);
  });

  test('exactly the size limit is stored; one byte more → 413 FILE_TOO_LARGE and nothing is kept', async () => {
    const server = await contentServer();
    const exact = await send(server, { data: Buffer.alloc(LIMIT, 0x61), name: 'a.txt' });
    expect(exact.status).toBe(200);
    expect(exact.body).toMatchObject({ bytes: LIMIT, format: 'txt' });
    const before = await dataState(server);
    expect(code(await send(server, { data: Buffer.alloc(LIMIT + 1, 0x61), name: 'b.txt' }))).toEqual({
      status: 400,
      code: 'FILE_TOO_LARGE',
    });
    expect(await dataState(server)).toEqual(before);
  });

  test('what the bytes are decides: a PNG named photo.jpg (a renamed photo) is stored and delivered as png', async () => {
    const server = await contentServer();
    const response = await send(server, { data: png, name: 'photo.jpg' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ resource_type: 'image', format: 'png', width: 20, height: 10 });
    const delivered = await download(response.body?.secure_url as string);
    expect(delivered.headers['content-type']).toBe('image/png');
  });

  test('what the bytes are decides: a JPEG named a.php.jpg is stored as jpg, shown as "a.php", keyed by the server', async () => {
    const server = await contentServer();
    const response = await send(server, { data: jpg, name: 'a.php.jpg', params: { use_filename: 'true' } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ resource_type: 'image', format: 'jpg', width: 640, height: 480 });
    expect(response.body?.original_filename).toBe('a.php');
    expect(response.body?.public_id).toMatch(/^a_php_[a-z0-9]{6}$/);
    const state = await dataState(server);
    expect(state.storeKeys).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/)]);
    const delivered = await download(response.body?.secure_url as string);
    expect(delivered.headers['content-type']).toBe('image/jpeg');
  });
});

describe('the stored format and type come from the bytes', () => {
  test('a PNG without an extension is a png, delivered as image/png', async () => {
    const server = await contentServer();
    const response = await TRANSPORTS.single(server, { data: png, name: 'download' });
    expect(response.body).toMatchObject({ resource_type: 'image', format: 'png', width: 20, height: 10 });
    const delivered = await download(response.body?.secure_url as string);
    expect(delivered.headers['content-type']).toBe('image/png');
  });

  test('a raw upload keeps its public ID but takes its format from the bytes', async () => {
    const server = await contentServer();
    const response = await TRANSPORTS.single(server, {
      data: png,
      name: 'x.png',
      params: { public_id: 'files/looks-like.txt' },
      resourceType: 'raw',
    });
    expect(response.body).toMatchObject({ resource_type: 'raw', public_id: 'files/looks-like.txt', format: 'png' });
  });

  test('plain text and CSV keep their harmless extensions', async () => {
    const server = await contentServer();
    expect((await TRANSPORTS.single(server, { data: CSV, name: 'd.csv' })).body).toMatchObject({ format: 'csv' });
    expect((await TRANSPORTS.single(server, { data: PLAIN, name: 'letter' })).body).toMatchObject({ format: '' });
  });

  test('a declared Content-Type the bytes contradict: a PNG sent as image/jpeg is stored as png; HTML → 415', async () => {
    const server = await contentServer();
    const disguised = await TRANSPORTS.single(server, { data: HTML, name: 'blob', contentType: 'image/jpeg' });
    expect(code(disguised)).toEqual({ status: 400, code: 'TYPE_MISMATCH' });
    await expectNothingStored(server);
    const relabelled = await TRANSPORTS.single(server, { data: png, name: 'blob', contentType: 'image/jpeg' });
    expect(relabelled.status).toBe(200);
    expect(relabelled.body).toMatchObject({ format: 'png' });
  });

  test('a JPEG whose frame header lies past the first 512 KiB is still measured, and a flood still refused', async () => {
    const server = await startTestServer({ config: { content: { maxImagePixels: 1_000_000 } } });
    const fine = await TRANSPORTS.single(server, { data: jpeg(1000, 1000, 9), name: 'big-exif.jpg' });
    expect(fine.body).toMatchObject({ width: 1000, height: 1000 });
    const flood = await TRANSPORTS.single(server, { data: jpeg(1001, 1000, 9), name: 'flood.jpg' });
    expect(code(flood)).toEqual({ status: 400, code: 'IMAGE_TOO_LARGE_PIXELS' });
    expect((await dataState(server)).rows).toHaveLength(1);
  });

  test('the pixel limit is exact and configurable', async () => {
    const server = await startTestServer({ config: { content: { maxImagePixels: 200 } } });
    expect((await TRANSPORTS.single(server, { data: makePng(20, 10), name: 'a.png' })).status).toBe(200);
    const over = await TRANSPORTS.single(server, { data: makePng(21, 10), name: 'b.png' });
    expect(code(over)).toEqual({ status: 400, code: 'IMAGE_TOO_LARGE_PIXELS' });
    expect((await dataState(server)).rows).toHaveLength(1);
  });
});

describe('active content a preset allows is only ever a download', () => {
  const presets = { files: { allow_active_content: true }, strict: { allow_active_content: false } };

  test.each(ALL)(
    'over the %s path: stored raw, delivered as an attachment with nosniff and a sandbox',
    async (transport) => {
      const server = await contentServer({ presets });
      const response = await TRANSPORTS[transport](server, {
        data: SVG_SCRIPT,
        name: 'logo.svg',
        params: { upload_preset: 'files' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ resource_type: 'raw', format: 'svg' });
      const delivered = await download(response.body?.secure_url as string);
      expect(delivered.headers).toMatchObject({
        'content-type': 'application/octet-stream',
        'content-disposition': expect.stringMatching(/^attachment; filename="[a-z0-9]{20}\.svg"$/),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      });
      expect(delivered.body).toEqual(SVG_SCRIPT);
    },
  );

  test('a name that lies is still refused: HTML named photo.jpg → 415 TYPE_MISMATCH', async () => {
    const server = await contentServer({ presets });
    const response = await TRANSPORTS.single(server, {
      data: HTML,
      name: 'photo.jpg',
      params: { upload_preset: 'files' },
    });
    expect(code(response)).toEqual({ status: 400, code: 'TYPE_MISMATCH' });
    await expectNothingStored(server);
  });

  test('the server-wide policy "attachment" accepts it; a preset saying false still refuses', async () => {
    const server = await contentServer({ presets, content: { activeContent: 'attachment' } });
    const page = await TRANSPORTS.single(server, { data: HTML, name: 'page.html' });
    expect(page.body).toMatchObject({ resource_type: 'raw', format: 'html' });
    expect((await download(page.body?.secure_url as string)).headers['content-disposition']).toMatch(/^attachment/);
    const strict = await TRANSPORTS.single(server, {
      data: HTML,
      name: 'page.html',
      params: { upload_preset: 'strict' },
    });
    expect(code(strict)).toEqual({ status: 400, code: 'TYPE_NOT_ALLOWED' });
    expect((await dataState(server)).rows).toHaveLength(1);
  });

  test('inert uploads are delivered inline as before', async () => {
    const server = await contentServer();
    const response = await TRANSPORTS.single(server, { data: png, name: 'a.png' });
    const delivered = await download(response.body?.secure_url as string);
    expect(delivered.headers['content-disposition']).toBeUndefined();
    expect(delivered.headers['content-security-policy']).toContain('sandbox');
  });
});

describe('password-protected and unreadable PDFs', () => {
  let dir: string;
  const fixtures: Record<string, Buffer> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'signet-content-pdf-'));
    const plain = join(dir, 'plain.pdf');
    await writeFile(plain, onePagePdf());
    const make = async (name: string, ...args: string[]) => {
      const out = join(dir, `${name}.pdf`);
      qpdfOk(...args, plain, out);
      fixtures[name] = await readFile(out);
    };
    const encrypt = (...level: string[]) => ['--encrypt', 'user', 'owner', ...level, '--'];
    await make('rc4-40', '--allow-weak-crypto', ...encrypt('40'));
    await make('rc4-128', '--allow-weak-crypto', ...encrypt('128', '--use-aes=n'));
    await make('aes-128', ...encrypt('128', '--use-aes=y'));
    await make('aes-256', ...encrypt('256'));
    await make('owner-only', '--encrypt', '', 'owner', '256', '--');
    await make('xref-stream', '--object-streams=generate', ...encrypt('256'));
    await make('qpdf-plain', '--object-streams=generate');
    // An incremental update whose trailer has no /Encrypt: only the earlier trailer, reached through /Prev, does.
    fixtures['prev-only'] = appendUpdate(fixtures['aes-128'] as Buffer, { objects: [] });
    fixtures['encrypt-in-content'] = onePagePdf({ text: '/Encrypt 7 0 R', title: '/Encrypt' });
    const whole = onePagePdf();
    fixtures.truncated = whole.subarray(0, Math.floor(whole.length / 2));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test.each(['rc4-40', 'rc4-128', 'aes-128', 'aes-256', 'owner-only', 'xref-stream', 'prev-only'])(
    '%s → 422 PDF_ENCRYPTED, telling the person to remove the password, over every path',
    async (name) => {
      const server = await contentServer({ limits: { maxFileSize: 1 << 20 } });
      expect(qpdfOk('--show-encryption', join(dir, 'plain.pdf'))).toContain('not encrypted');
      for (const transport of ALL) {
        const response = await TRANSPORTS[transport](server, { data: fixtures[name] as Buffer, name: 'contract.pdf' });
        expect({ transport, ...code(response) }).toEqual({ transport, status: 400, code: 'PDF_ENCRYPTED' });
        expect(message(response)).toMatch(/password.*upload/i);
      }
      await expectNothingStored(server);
    },
  );

  test('an unencrypted PDF that contains the text /Encrypt is accepted, and so is one made by qpdf', async () => {
    const server = await contentServer({ limits: { maxFileSize: 1 << 20 } });
    for (const name of ['encrypt-in-content', 'qpdf-plain']) {
      const response = await TRANSPORTS.single(server, { data: fixtures[name] as Buffer, name: `${name}.pdf` });
      expect(response.body).toMatchObject({ resource_type: 'image', format: 'pdf' });
    }
    expect((await dataState(server)).rows).toHaveLength(2);
  });

  test.each(ALL)('a truncated PDF → 422 PDF_UNREADABLE over the %s path', async (transport) => {
    const server = await contentServer();
    const response = await TRANSPORTS[transport](server, { data: fixtures.truncated as Buffer, name: 'cut.pdf' });
    expect(code(response)).toEqual({ status: 400, code: 'PDF_UNREADABLE' });
    await expectNothingStored(server);
  });
});

describe('sizes when Content-Length lies or is absent (raw sockets)', () => {
  async function form(server: SignetServer, size: number) {
    return uploadForm(fieldsFor(server), { data: Buffer.alloc(size, 0x61), name: 'a.txt' });
  }

  /** Refusals that end in a dropped connection clean up as the request closes, just after the answer. */
  async function expectNothingStoredSoon(server: SignetServer): Promise<void> {
    await expect.poll(() => dataState(server), { timeout: 5000 }).toEqual({ storeKeys: [], tmpFiles: [], rows: [] });
  }

  test('no Content-Length (chunked transfer): the limit passes, one byte more → 413', async () => {
    const server = await contentServer();
    const exact = await TRANSPORTS.companion(server, { data: Buffer.alloc(LIMIT, 0x61), name: 'a.txt' });
    expect(exact.body).toMatchObject({ bytes: LIMIT });
    const before = await dataState(server);
    const over = await TRANSPORTS.companion(server, { data: Buffer.alloc(LIMIT + 1, 0x61), name: 'b.txt' });
    expect(code(over)).toEqual({ status: 400, code: 'FILE_TOO_LARGE' });
    // Its temp file goes as the request closes, just after the answer (as expectNothingStoredSoon waits for).
    await expect.poll(() => dataState(server), { timeout: 5000 }).toEqual(before);
  });

  test('a Content-Length far above the body: a file over the limit is refused (413) without waiting for the rest', async () => {
    const server = await contentServer();
    const oversized = await form(server, LIMIT + 1);
    const response = await rawPost(server.url, {
      path: uploadPath(server),
      headers: {
        'Content-Type': `multipart/form-data; boundary=${oversized.boundary}`,
        'Content-Length': String(oversized.body.length + 1_000_000),
      },
      body: [oversized.body],
      timeoutMs: 5000,
    });
    expect(code(response)).toEqual({ status: 400, code: 'FILE_TOO_LARGE' });
    await expectNothingStoredSoon(server);
  });

  test('a Content-Length above the body, then the client gives up: nothing is published', async () => {
    const server = await contentServer();
    const { boundary, body } = await form(server, 100);
    const headers = {
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': String(body.length + 50),
    };
    // Half-closed: the server sees the end of a body shorter than promised and refuses it.
    const halfClosed = await rawPost(server.url, {
      path: uploadPath(server),
      headers,
      body: [body],
      endAfterBody: true,
    });
    expect(halfClosed.status).toBe(400);
    await expectNothingStoredSoon(server);
    // Left open: no answer (the request is not over), and nothing published when the client goes away.
    const again = await form(server, 100);
    const open = await rawPost(server.url, {
      path: uploadPath(server),
      headers: { ...headers, 'Content-Type': `multipart/form-data; boundary=${again.boundary}` },
      body: [again.body],
      timeoutMs: 500,
    });
    expect(open.status).toBe(0);
    await expectNothingStoredSoon(server);
  });

  test('a Content-Length below the body: the form is cut short → 400, nothing stored', async () => {
    const server = await contentServer();
    // The file is over the limit, but the server reads only what Content-Length says: a form without its end.
    const { boundary, body } = await form(server, LIMIT * 2);
    const response = await rawPost(server.url, {
      path: uploadPath(server),
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(LIMIT) },
      body: [body],
    });
    expect(response.status).toBe(400);
    await expectNothingStoredSoon(server);
  });

  test('over the chunked path: a first chunk whose Content-Length is short → 400 and no session kept', async () => {
    const server = await contentServer();
    const { boundary, body } = await form(server, 1000);
    const response = await rawPost(server.url, {
      path: uploadPath(server),
      headers: {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(body.length - 600),
        'X-Unique-Upload-Id': 'lying-length-1',
        'Content-Range': 'bytes 0-999/1000',
      },
      body: [body],
    });
    expect(response.status).toBe(400);
    await expectNothingStoredSoon(server);
  });
});

describe('multipart bounds', () => {
  test('more fields than the limit → 400 BAD_REQUEST, nothing stored', async () => {
    const server = await contentServer({ limits: { maxFields: 8 } });
    const extra = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`x${i}`, 'y']));
    const response = await TRANSPORTS.single(server, { data: png, name: 'a.png', params: extra });
    expect(code(response)).toEqual({ status: 400, code: 'BAD_REQUEST' });
    await expectNothingStored(server);
  });

  test('a field longer than the limit → 400 PARAM_INVALID, nothing stored', async () => {
    const server = await contentServer({ limits: { maxFieldSize: 1024 } });
    const long = await TRANSPORTS.single(server, {
      data: png,
      name: 'a.png',
      params: { context: `a=${'x'.repeat(1023)}` },
    });
    expect(code(long)).toEqual({ status: 400, code: 'PARAM_INVALID' });
    await expectNothingStored(server);
  });

  test('field names are bounded by the part-header limit: a long unknown name → 400 PARAM_NOT_ALLOWED, shown cut', async () => {
    const server = await contentServer();
    const long = await TRANSPORTS.single(server, { data: png, name: 'a.png', params: { ['n'.repeat(10_000)]: 'v' } });
    expect(code(long)).toEqual({ status: 400, code: 'PARAM_NOT_ALLOWED' });
    expect(message(long).length).toBeLessThan(200);
    // Past busboy's 16 KiB of headers per part the form is malformed.
    const huge = await TRANSPORTS.single(server, { data: png, name: 'a.png', params: { ['n'.repeat(20_000)]: 'v' } });
    expect(code(huge)).toEqual({ status: 400, code: 'BAD_REQUEST' });
    await expectNothingStored(server);
  });

  test('a field of exactly the limit passes', async () => {
    const server = await contentServer({ limits: { maxFieldSize: 1024 } });
    const response = await TRANSPORTS.single(server, {
      data: png,
      name: 'a.png',
      params: { context: `a=${'x'.repeat(1022)}` },
    });
    expect(response.status).toBe(200);
  });
});

describe('display names', () => {
  test.each([
    ['../../etc/passwd.png', 'passwd'],
    ['C:\\Windows\\CON.png', '_CON'],
    ['..png', 'file'],
    ['holiday\u202e\u200b.png', 'holiday'],
    ['trailing.png. . ', 'trailing'],
    [`${'é'.repeat(300)}.png`, 'é'.repeat(255)],
  ])('"%s" is shown as "%s" and never reaches the store', async (name, shown) => {
    const server = await contentServer();
    const response = await TRANSPORTS.single(server, { data: png, name });
    expect(response.status).toBe(200);
    expect(response.body?.original_filename).toBe(shown);
    const state = await dataState(server);
    expect(state.storeKeys).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/)]);
    expect(state.tmpFiles).toEqual([]);
  });

  test('display_name loses bidi and zero-width characters', async () => {
    const server = await contentServer();
    const response = await TRANSPORTS.single(server, {
      data: png,
      name: 'a.png',
      params: { display_name: 'inv\u202eoice\u200d' },
    });
    expect(response.body?.display_name).toBe('invoice');
  });
});

describe('URL import through Companion, end to end', () => {
  // Companion posts the file under `metadata.name` or `uppy-file-<token>`, never the URL's name: the bytes decide.
  test.each([
    ['an HTML page served as photo.jpg', '/photo.jpg', HTML, 'image/jpeg', 'TYPE_NOT_ALLOWED'],
    ['a 50,000 × 50,000 PNG', '/flood.png', floodPng(50_000, 50_000), 'image/png', 'IMAGE_TOO_LARGE_PIXELS'],
  ])('%s → %s, nothing stored', async (_name, path, data, type, expected) => {
    const server = await startTestServer({ testMode: true, config: { companion: { allowLocalUrls: true } } });
    const remote = await startRemoteServer();
    remote.route(path, serve(remote, data, type));
    const url = `${remote.origin}${path}`;
    const get = await postJson(
      `${server.url}/companion/url/get`,
      getBody(server, { fileId: url, url }, fieldsFor(server)),
    );
    expect(get.status).toBe(200);
    const outcome = await awaitUpload(server, String(get.body.token));
    expect(outcome.action).toBe('error');
    expect(JSON.stringify(outcome.payload)).toContain(`"code":"${expected}"`);
    await expect.poll(() => dataState(server), { timeout: 5000 }).toEqual({ storeKeys: [], tmpFiles: [], rows: [] });
  });
});
