// A preset's `strip_metadata` (issue 19): a phone's photo uploaded with the official Cloudinary SDK — not through the
// widget, which strips in the browser — is stored without its position, device and serial numbers, decoding to the
// same pixels with its orientation; without the preset it is stored byte for byte. The photo is made here by cjpeg
// and exiftool, which also read what is left.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runSdk, sdkCall, startTestServer, tempDir } from './helpers.js';

async function phonePhoto(): Promise<{ path: string; bytes: Buffer }> {
  const dir = await tempDir('signet-strip-');
  const width = 80;
  const height = 48;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set([(i * 5) % 256, (i * 11) % 256, (i * 3) % 256], i * 3);
  const path = join(dir, 'parcel.jpg');
  await writeFile(
    path,
    execFileSync('cjpeg', [], { input: Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), pixels]) }),
  );
  execFileSync('exiftool', [
    '-q',
    '-overwrite_original',
    '-GPSLatitude=48.8566',
    '-GPSLatitudeRef=N',
    '-GPSLongitude=2.3522',
    '-GPSLongitudeRef=E',
    '-Make=Signet Phone',
    '-Model=Model Y',
    '-SerialNumber=SN-99',
    '-Orientation#=6',
    path,
  ]);
  return { path, bytes: await readFile(path) };
}

async function tagsOf(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const path = join(await tempDir('signet-strip-read-'), 'file');
  await writeFile(path, bytes);
  return JSON.parse(execFileSync('exiftool', ['-j', '-a', '-G1', '-n', path], { encoding: 'utf8' }))[0];
}

const personal = (tags: Record<string, unknown>) =>
  Object.keys(tags).filter((key) => /GPS|Make|Model|Serial/.test(key.split(':')[1] ?? key));

async function pixels(bytes: Uint8Array): Promise<Buffer> {
  const path = join(await tempDir('signet-strip-pixels-'), 'file.jpg');
  await writeFile(path, bytes);
  return execFileSync('djpeg', ['-pnm', path]);
}

describe('strip_metadata in a preset', () => {
  test('an SDK upload through it is stored without location and device data, same pixels, orientation kept', async () => {
    const server = await startTestServer({ config: { presets: { private: { strip_metadata: true } } } });
    const photo = await phonePhoto();
    expect(personal(await tagsOf(photo.bytes)).length).toBeGreaterThanOrEqual(5);
    const { result, error } = await runSdk(server, 'upload', photo.path, { upload_preset: 'private' });
    expect(error).toBeUndefined();
    const stored = new Uint8Array(await (await fetch(result?.secure_url as string)).arrayBuffer());
    expect(result?.bytes).toBe(stored.length);
    expect(stored.length).toBeLessThan(photo.bytes.length);
    const tags = await tagsOf(stored);
    expect(personal(tags)).toEqual([]);
    expect(tags['IFD0:Orientation']).toBe(6);
    expect((await pixels(stored)).equals(await pixels(photo.bytes))).toBe(true);
  });

  test('without it the photo is stored byte for byte; a preset made through the Admin API can turn it on', async () => {
    const server = await startTestServer({ config: { presets: { plain: {} } } });
    const photo = await phonePhoto();
    const { result } = await runSdk(server, 'upload', photo.path, { upload_preset: 'plain' });
    const stored = Buffer.from(await (await fetch(result?.secure_url as string)).arrayBuffer());
    expect(stored.equals(photo.bytes)).toBe(true);
    expect(personal(await tagsOf(stored)).length).toBeGreaterThanOrEqual(5);

    // The SDK sends only Cloudinary's preset settings; the Admin API's own form takes ours too.
    const { api_key, api_secret, cloud_name } = server.credentials;
    const created = await fetch(`${server.url}/v1_1/${cloud_name}/upload_presets`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${api_key}:${api_secret}`).toString('base64')}` },
      body: new URLSearchParams({ name: 'listings', strip_metadata: 'true' }),
    });
    expect(await created.json()).toEqual({ message: 'created', name: 'listings' });
    expect((await sdkCall(server, 'api.upload_preset', ['listings'])).result).toMatchObject({
      settings: { strip_metadata: true },
    });
    const second = await runSdk(server, 'upload', photo.path, { upload_preset: 'listings' });
    const cleaned = new Uint8Array(await (await fetch(second.result?.secure_url as string)).arrayBuffer());
    expect(personal(await tagsOf(cleaned))).toEqual([]);
  });
});
