// The official Cloudinary Node SDK (2.11) as a real client of the reference server, in a child process.
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { makePng } from './fixtures/png.js';
import { dataState, runSdk, startTestServer, tempDir } from './helpers.js';

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

async function fileWith(data: Uint8Array, name: string): Promise<string> {
  const path = join(await tempDir('signet-sdk-'), name);
  await writeFile(path, data);
  return path;
}

describe('uploader.upload', () => {
  test('stores the file byte for byte and the SDK accepts (and verifies) the answer', async () => {
    const server = await startTestServer();
    const png = makePng(120, 80);
    const path = await fileWith(png, 'sunset.png');

    const { result, verified, error } = await runSdk(server, 'upload', path, {
      public_id: 'sdk/sunset',
      tags: ['t1', 't2'],
    });
    expect(error).toBeUndefined();
    expect(verified).toBe(true);
    expect(result).toMatchObject({
      public_id: 'sdk/sunset',
      format: 'png',
      resource_type: 'image',
      width: 120,
      height: 80,
      tags: ['t1', 't2'],
      bytes: png.length,
      original_filename: 'sunset',
    });

    const state = await dataState(server);
    expect(state.rows).toHaveLength(1);
    expect(state.rows[0]).toMatchObject({ publicId: 'sdk/sunset', tags: ['t1', 't2'], bytes: png.length });
    expect(state.tmpFiles).toEqual([]);
    const chunks: Buffer[] = [];
    for await (const chunk of (await server.store.open(state.storeKeys[0] as string)) as AsyncIterable<Buffer>)
      chunks.push(chunk);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(png));

    const delivered = await fetch(result?.secure_url as string);
    expect(delivered.status).toBe(200);
    expect(delivered.headers.get('content-type')).toBe('image/png');
    expect(delivered.headers.get('x-content-type-options')).toBe('nosniff');
    expect(delivered.headers.get('etag')).toBe(`"${result?.etag}"`);
    expect(sha256(new Uint8Array(await delivered.arrayBuffer()))).toBe(sha256(png));

    const partial = await fetch(result?.secure_url as string, { headers: { Range: 'bytes=0-7' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 0-7/${png.length}`);
    expect(new Uint8Array(await partial.arrayBuffer())).toEqual(new Uint8Array(png.subarray(0, 8)));
  });

  test('gets Cloudinary’s error shape back for a refused upload', async () => {
    const server = await startTestServer();
    const path = await fileWith(makePng(4, 4), 'a.png');
    const { error } = await runSdk(server, 'upload', path, { public_id: 'bad id' });
    expect(error).toMatchObject({ http_code: 400, message: expect.stringContaining('public ID') });
    expect((await dataState(server)).rows).toEqual([]);
  });
});

describe('uploader.upload_large', () => {
  test('sends a file in several chunks (total -1 until the last) and it arrives byte-identical', async () => {
    const server = await startTestServer();
    const data = randomBytes(250_000);
    const path = await fileWith(data, 'archive.bin');

    // The SDK enforces no minimum chunk size (Cloudinary's API does, 5 MB); 100 kB gives three chunks here.
    const { result, verified, error } = await runSdk(server, 'upload_large', path, {
      chunk_size: 100_000,
      tags: 'big',
    });
    expect(error).toBeUndefined();
    expect(verified).toBe(true);
    expect(result).toMatchObject({ resource_type: 'raw', bytes: data.length, tags: ['big'] });

    const state = await dataState(server);
    expect(state.rows).toHaveLength(1);
    expect(state.tmpFiles).toEqual([]);
    const delivered = await fetch(result?.secure_url as string);
    expect(delivered.headers.get('content-type')).toBe('application/octet-stream');
    expect(sha256(new Uint8Array(await delivered.arrayBuffer()))).toBe(sha256(data));
  });

  test('files a chunked image under image when asked for auto', async () => {
    const server = await startTestServer();
    const png = makePng(300, 200);
    const path = await fileWith(png, 'big.png');
    const chunkSize = Math.ceil(png.length / 3);
    const { result, error } = await runSdk(server, 'upload_large', path, {
      chunk_size: chunkSize,
      resource_type: 'auto',
    });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ resource_type: 'image', format: 'png', width: 300, height: 200, bytes: png.length });
  });
});
