// GET|HEAD /:cloud/:resource_type/upload/[v<version>/]<public id>[.<format>]
import { describe, expect, test } from 'vitest';
import { parseRange } from '../src/routes/delivery.js';
import { makePng } from './fixtures/png.js';
import { nowSeconds, signedUpload, startTestServer } from './helpers.js';

const png = makePng(16, 16);

async function serverWithPhoto() {
  const server = await startTestServer();
  const { body } = await signedUpload(server, { public_id: 'albums/photo.v2' }, { data: png, name: 'p.png' });
  const base = `${server.url}/${server.credentials.cloud_name}/image/upload`;
  return { server, body, base, versioned: body.url as string };
}

describe('delivery', () => {
  test('serves the bytes with type, nosniff, ETag, length and immutable caching on a versioned URL', async () => {
    const { versioned, body } = await serverWithPhoto();
    const response = await fetch(versioned);
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      etag: `"${body.etag}"`,
      'content-length': String(png.length),
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=31536000, immutable',
      'access-control-allow-origin': '*',
    });
    expect(Buffer.from(await response.arrayBuffer())).toEqual(png);
  });

  test('serves without the version, and without the format, but revalidates then', async () => {
    const { base } = await serverWithPhoto();
    for (const path of ['albums/photo.v2.png', 'albums/photo.v2']) {
      const response = await fetch(`${base}/${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(png);
    }
  });

  test('HEAD answers the headers alone', async () => {
    const { versioned } = await serverWithPhoto();
    const response = await fetch(versioned, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(png.length));
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  test('answers a single range with 206, a suffix range too, and an unsatisfiable one with 416', async () => {
    const { versioned } = await serverWithPhoto();
    const middle = await fetch(versioned, { headers: { Range: 'bytes=4-11' } });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes 4-11/${png.length}`);
    expect(Buffer.from(await middle.arrayBuffer())).toEqual(png.subarray(4, 12));

    const tail = await fetch(versioned, { headers: { Range: 'bytes=-5' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(png.subarray(png.length - 5));

    const past = await fetch(versioned, { headers: { Range: `bytes=${png.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${png.length}`);
  });

  test('answers If-None-Match with the current ETag by 304', async () => {
    const { versioned, body } = await serverWithPhoto();
    const response = await fetch(versioned, { headers: { 'If-None-Match': `"other", "${body.etag}"` } });
    expect(response.status).toBe(304);
  });

  test.each([
    ['another version', (base: string, v: number) => `${base}/v${v + 1}/albums/photo.v2.png`],
    ['another format', (base: string, v: number) => `${base}/v${v}/albums/photo.v2.jpg`],
    ['an unknown public ID', (base: string) => `${base}/albums/nothing.png`],
    [
      'another resource type',
      (base: string, v: number) => `${base.replace('/image/', '/video/')}/v${v}/albums/photo.v2.png`,
    ],
    [
      'another cloud',
      (base: string, v: number) => `${base.replace(/\/[^/]+\/image\//, '/someone/image/')}/v${v}/albums/photo.v2.png`,
    ],
    ['a malformed escape', (base: string) => `${base}/albums/%E0%A4%A.png`],
  ])('%s → 404 NOT_FOUND', async (_name, url) => {
    const { base, body } = await serverWithPhoto();
    const response = await fetch(url(base, body.version as number));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  test('serves active content a preset allowed as a download, never as a page of this origin', async () => {
    const server = await startTestServer({ config: { presets: { raw: { allow_active_content: true } } } });
    const html = Buffer.from('<script>alert(1)</script>');
    const { body } = await signedUpload(
      server,
      { timestamp: nowSeconds(), upload_preset: 'raw' },
      { data: html, name: 'x.html' },
    );
    const response = await fetch(body.url as string);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await response.arrayBuffer()).equals(html)).toBe(true);
  });
});

describe('parseRange', () => {
  test.each([
    ['', 100, 'full'],
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=90-500', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-500', 100, { start: 0, end: 99 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=0-1,5-6', 100, 'full'],
    ['bytes=9-0', 100, 'full'],
    ['items=0-1', 100, 'full'],
  ])('"%s" of %i bytes → %o', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
