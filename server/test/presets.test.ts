// Upload presets over real HTTP: every setting changes what is stored, the default preset applies to every upload,
// an explicit one is layered on top, and the signing endpoints know the presets.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { DeepPartial, ServerConfig, SignetServer } from '../src/index.js';
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
  signedUpload,
  startTestServer,
  tempDir,
  type UploadOptions,
} from './helpers.js';

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const png = makePng(40, 30);
const pngFile = { data: png, name: 'holiday.png' };
// A real one-page PDF (with its xref): the content checks read its cross-reference chain.
const PDF = onePagePdf();

// Every upload signs its own timestamp (counting down from the start), so equal parameters are never a replay.
const START = nowSeconds();
let tick = 0;
function upload(
  server: SignetServer,
  params: Record<string, string>,
  file: { data: Uint8Array; name: string },
  options?: UploadOptions,
): Promise<JsonResponse> {
  tick += 1;
  return signedUpload(server, { timestamp: START - tick, ...params }, file, options);
}

function withPresets(
  presets: DeepPartial<ServerConfig>['presets'],
  more: DeepPartial<ServerConfig> = {},
): Promise<SignetServer & { logs: string[] }> {
  return startTestServer({ config: { presets, ...more } });
}

async function storedBytes(server: SignetServer, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await server.store.open(key)) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function sendChunk(
  server: SignetServer,
  fields: Record<string, string>,
  range: string,
  data: Uint8Array,
  uploadId: string,
): Promise<JsonResponse> {
  return postUpload(
    server,
    fields,
    { data, name: 'big.bin' },
    { headers: { 'X-Unique-Upload-Id': uploadId, 'Content-Range': range } },
  );
}

describe('every preset setting changes the stored result', () => {
  test('folder: the public ID goes under it, and the asset into it', async () => {
    const server = await withPresets({ albums: { folder: 'albums/2024' } });
    const response = await upload(server, { upload_preset: 'albums', public_id: 'beach' }, pngFile);
    expect(response.body).toMatchObject({ public_id: 'albums/2024/beach', folder: 'albums/2024' });
    expect((await dataState(server)).rows[0]).toMatchObject({ publicId: 'albums/2024/beach', folder: 'albums/2024' });
  });

  test('tags: stored, and merged with the upload’s own', async () => {
    const server = await withPresets({ tagged: { tags: ['site', 'ugc'] } });
    const plain = await upload(server, { upload_preset: 'tagged' }, pngFile);
    expect(plain.body.tags).toEqual(['site', 'ugc']);
    const more = await upload(server, { upload_preset: 'tagged', tags: 'mine,ugc' }, pngFile);
    expect(more.body.tags).toEqual(['site', 'ugc', 'mine']);
    expect((await dataState(server)).rows.map((row) => row.tags)).toEqual([
      ['site', 'ugc', 'mine'],
      ['site', 'ugc'],
    ]);
  });

  test('context: stored, and merged key by key (the upload wins a key)', async () => {
    const server = await withPresets({ ctx: { context: { source: 'site', alt: 'default' } } });
    const plain = await upload(server, { upload_preset: 'ctx' }, pngFile);
    expect(plain.body.context).toEqual({ custom: { source: 'site', alt: 'default' } });
    const mine = await upload(server, { upload_preset: 'ctx', context: 'alt=Mine' }, pngFile);
    expect(mine.body.context).toEqual({ custom: { source: 'site', alt: 'Mine' } });
    expect((await dataState(server)).rows[0]?.context).toEqual({ source: 'site', alt: 'Mine' });
  });

  test('use_filename and unique_filename: the file name, with or without a random suffix', async () => {
    const server = await withPresets({
      named: { use_filename: true },
      exact: { use_filename: true, unique_filename: false },
    });
    const file = { data: png, name: 'Été 2024.png' };
    expect((await upload(server, { upload_preset: 'named' }, file)).body.public_id).toMatch(/^Ete_2024_[a-z0-9]{6}$/);
    expect((await upload(server, { upload_preset: 'exact' }, file)).body.public_id).toBe('Ete_2024');
    // Without the preset: random.
    expect((await upload(server, {}, file)).body.public_id).toMatch(/^[a-z0-9]{20}$/);
  });

  test('overwrite: a second upload to the public ID replaces the first', async () => {
    const server = await withPresets({ replace: { overwrite: true } });
    const first = await upload(server, { upload_preset: 'replace', public_id: 'logo' }, pngFile);
    const other = makePng(10, 10);
    const second = await upload(
      server,
      { upload_preset: 'replace', public_id: 'logo' },
      { data: other, name: 'o.png' },
    );
    expect(second.body).not.toHaveProperty('existing');
    expect(second.body.version as number).toBeGreaterThan(first.body.version as number);
    const state = await dataState(server);
    expect(state.rows).toHaveLength(1);
    expect(await storedBytes(server, state.storeKeys[0] as string)).toEqual(other);
  });

  test('allowed_formats: formats from the bytes pass, anything else is TYPE_NOT_ALLOWED and not stored', async () => {
    const server = await withPresets({
      images: { allowed_formats: ['jpg', 'png'] },
      docs: { allowed_formats: ['pdf'] },
    });
    expect((await upload(server, { upload_preset: 'images' }, pngFile)).status).toBe(200);
    expect((await upload(server, { upload_preset: 'docs' }, { data: PDF, name: 'a.pdf' })).status).toBe(200);
    const before = await dataState(server);

    expectError(
      await upload(server, { upload_preset: 'images' }, { data: PDF, name: 'x.png' }),
      400,
      'TYPE_NOT_ALLOWED',
    );
    expectError(await upload(server, { upload_preset: 'docs' }, pngFile), 400, 'TYPE_NOT_ALLOWED');
    // A name is no format: text called x.pdf is not a PDF, under any resource type.
    const text = { data: Buffer.from('just text'), name: 'x.pdf' };
    expectError(await upload(server, { upload_preset: 'docs' }, text), 400, 'TYPE_NOT_ALLOWED');
    expectError(
      await upload(server, { upload_preset: 'docs' }, text, { resourceType: 'raw' }),
      400,
      'TYPE_NOT_ALLOWED',
    );
    expect(await dataState(server)).toEqual(before);
  });

  test('allowed_formats: text formats without a signature are taken from the name', async () => {
    const server = await withPresets({ text: { allowed_formats: ['txt', 'csv'] } });
    const ok = await upload(server, { upload_preset: 'text' }, { data: Buffer.from('a,b\n'), name: 'd.csv' });
    expect(ok.body).toMatchObject({ resource_type: 'raw', format: 'csv' });
    expectError(
      await upload(server, { upload_preset: 'text' }, { data: Buffer.from('x'), name: 'd.md' }),
      400,
      'TYPE_NOT_ALLOWED',
    );
  });

  test('max_file_size: exactly the limit passes, one byte more is FILE_TOO_LARGE (400 for the SDKs) and nothing is kept', async () => {
    const server = await withPresets({ small: { max_file_size: 1000 } });
    const exact = await upload(server, { upload_preset: 'small' }, { data: Buffer.alloc(1000, 1), name: 'a.bin' });
    expect(exact.body.bytes).toBe(1000);
    const before = await dataState(server);
    const over = await upload(server, { upload_preset: 'small' }, { data: Buffer.alloc(1001, 1), name: 'b.bin' });
    expectError(over, 400, 'FILE_TOO_LARGE');
    // The preset's limit, not the server's: without it the same file passes.
    expect(await dataState(server)).toEqual(before);
    expect((await upload(server, {}, { data: Buffer.alloc(1001, 1), name: 'c.bin' })).status).toBe(200);
  });

  test('a parameter sent after the file (here the preset) is refused before the file is stored', async () => {
    const server = await withPresets({ small: { max_file_size: 1000 } });
    const fields = signed(server, { upload_preset: 'small' });
    const { upload_preset, ...rest } = fields;
    const over = await postUpload(server, rest, { data: Buffer.alloc(1001, 1), name: 'b.bin' });
    // The preset is part of the signature, so the form without it fails; send it after the file instead.
    expectError(over, 401, 'SIGNATURE_INVALID');
    const form = new FormData();
    for (const [name, value] of Object.entries(rest)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(1001)]), 'b.bin');
    form.append('upload_preset', upload_preset as string);
    const response = await fetch(`${server.url}/v1_1/${server.credentials.cloud_name}/auto/upload`, {
      method: 'POST',
      body: form,
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error).toEqual({ code: 'BAD_REQUEST', message: 'Send every parameter before the file.' });
    await expectNothingStored(server);
  });

  test('max_file_size on the chunked path: the exact limit assembles, one byte more ends the session', async () => {
    const server = await withPresets({ small: { max_file_size: 300 } });
    const data = Buffer.alloc(301, 3);
    const fields = signed(server, { upload_preset: 'small', timestamp: START - 700 });
    expect((await sendChunk(server, fields, 'bytes 0-149/-1', data.subarray(0, 150), 'exact-1')).status).toBe(200);
    const done = await sendChunk(server, fields, 'bytes 150-299/300', data.subarray(150, 300), 'exact-1');
    expect(done.body).toMatchObject({ bytes: 300 });
    const before = await dataState(server);

    // The SDK's way (total -1 until the last chunk): refused on the chunk that goes over, session gone.
    const sdkLike = signed(server, { upload_preset: 'small', timestamp: START - 701 });
    expect((await sendChunk(server, sdkLike, 'bytes 0-199/-1', data.subarray(0, 200), 'over-1')).status).toBe(200);
    expectError(
      await sendChunk(server, sdkLike, 'bytes 200-300/-1', data.subarray(200), 'over-1'),
      400,
      'FILE_TOO_LARGE',
    );
    expect(await dataState(server)).toEqual(before);
    // The session is gone: a chunk that would fit finds no upload to continue.
    expectError(
      await sendChunk(server, sdkLike, 'bytes 200-209/-1', data.subarray(200, 210), 'over-1'),
      400,
      'CHUNK_INVALID',
    );

    // A declared total over the limit is refused on the first chunk, before a byte is written.
    const declared = signed(server, { upload_preset: 'small', timestamp: START - 702 });
    expectError(
      await sendChunk(server, declared, 'bytes 0-99/301', data.subarray(0, 100), 'over-2'),
      400,
      'FILE_TOO_LARGE',
    );
    expect(await dataState(server)).toEqual(before);
  });

  test('moderation: new assets are pending, and say so like Cloudinary', async () => {
    const server = await withPresets({ review: { moderation: 'manual' } });
    const response = await upload(server, { upload_preset: 'review' }, pngFile);
    expect(response.body.moderation).toEqual([{ kind: 'manual', status: 'pending' }]);
    expect((await dataState(server)).rows[0]?.status).toBe('pending');
    const plain = await upload(server, {}, pngFile);
    expect(plain.body).not.toHaveProperty('moderation');
  });

  test('auto_tagging: tags from the detected type, the extension and a name pattern', async () => {
    const server = await withPresets({
      auto: {
        tags: ['upload'],
        auto_tagging: [
          { when: { type: 'image' }, add: ['photo'] },
          { when: { extension: 'pdf' }, add: ['document'] },
          { when: { name: '^IMG_\\d+$' }, add: ['camera'] },
          { when: { type: 'raw', extension: 'txt' }, add: ['text'] },
        ],
      },
    });
    const auto = (file: { data: Uint8Array; name: string }) => upload(server, { upload_preset: 'auto' }, file);
    expect((await auto(pngFile)).body.tags).toEqual(['upload', 'photo']);
    expect((await auto({ data: png, name: 'IMG_0042.png' })).body.tags).toEqual(['upload', 'photo', 'camera']);
    // A PDF is an image to Cloudinary: both rules match.
    expect((await auto({ data: PDF, name: 'scan.pdf' })).body.tags).toEqual(['upload', 'photo', 'document']);
    expect((await auto({ data: Buffer.from('hi'), name: 'IMG_7.txt' })).body.tags).toEqual([
      'upload',
      'camera',
      'text',
    ]);
    // The name rule sees the sanitized original name, never a path.
    expect((await auto({ data: png, name: '../x/IMG_1.png' })).body.tags).toEqual(['upload', 'photo', 'camera']);
    // A PNG named .pdf is a PNG: the rules see the format from the bytes, never the name's claim.
    expect((await auto({ data: png, name: 'fake.pdf' })).body).toMatchObject({
      format: 'png',
      tags: ['upload', 'photo'],
    });
  });

  test('an unknown upload_preset → 400 PARAM_INVALID and nothing stored', async () => {
    const server = await withPresets({ known: {} });
    expectError(await upload(server, { upload_preset: 'unknown' }, pngFile), 400, 'PARAM_INVALID');
    expectError(await upload(server, { upload_preset: 'bad name!' }, pngFile), 400, 'PARAM_INVALID');
    await expectNothingStored(server);
  });
});

describe('precedence: default preset < explicit preset < signed parameters', () => {
  test('the default preset applies to every upload; an explicit one and the parameters are layered on top', async () => {
    const server = await withPresets(
      {
        site: { folder: 'site', tags: ['site'], context: { source: 'site' }, allowed_formats: ['png', 'pdf'] },
        docs: { folder: 'docs', tags: ['docs'], allowed_formats: ['pdf'] },
      },
      { defaultPreset: 'site' },
    );
    const plain = await upload(server, { public_id: 'a' }, pngFile);
    expect(plain.body).toMatchObject({ public_id: 'site/a', tags: ['site'], context: { custom: { source: 'site' } } });

    const docs = await upload(server, { upload_preset: 'docs', public_id: 'b' }, { data: PDF, name: 'b.pdf' });
    expect(docs.body).toMatchObject({ public_id: 'docs/b', tags: ['site', 'docs'] });
    expectError(await upload(server, { upload_preset: 'docs' }, pngFile), 400, 'TYPE_NOT_ALLOWED');

    const mine = await upload(
      server,
      { upload_preset: 'docs', folder: 'mine', tags: 'me', context: 'source=me', public_id: 'c' },
      { data: PDF, name: 'c.pdf' },
    );
    expect(mine.body).toMatchObject({
      public_id: 'mine/c',
      folder: 'mine',
      tags: ['site', 'docs', 'me'],
      context: { custom: { source: 'me' } },
    });
  });

  test('a default preset naming no preset stops the server from starting', async () => {
    await expect(startTestServer({ config: { presets: { a: {} }, defaultPreset: 'b' } })).rejects.toThrow(
      'defaultPreset "b"',
    );
  });

  test('an invalid preset in the config stops the server from starting', async () => {
    await expect(startTestServer({ config: { presets: { a: { folder: '../x' } } } })).rejects.toThrow('Config presets');
    await expect(startTestServer({ config: { presets: { a: { unknown: 1 } as never } } })).rejects.toThrow(
      'unknown settings',
    );
  });
});

describe('config presets and the catalogue', () => {
  test('config presets are written on every start and win over admin changes; others persist', async () => {
    const dataDir = await tempDir();
    const first = await startTestServer({ dataDir, config: { presets: { site: { folder: 'site' } } } });
    const headers = { Authorization: `Bearer ${first.credentials.admin_token}`, 'Content-Type': 'application/json' };
    for (const [name, definition] of [
      ['site', { folder: 'changed' }],
      ['extra', { folder: 'extra' }],
    ] as const)
      await fetch(`${first.url}/api/admin/presets/${name}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify(definition),
      });
    expect((await first.catalog.presets.get(first.credentials.cloud_name, 'site'))?.folder).toBe('changed');
    await first.close();

    const second = await startTestServer({ dataDir, config: { presets: { site: { folder: 'site' } } } });
    const cloud = second.credentials.cloud_name;
    expect(await second.catalog.presets.get(cloud, 'site')).toEqual({ name: 'site', unsigned: false, folder: 'site' });
    expect(await second.catalog.presets.get(cloud, 'extra')).toEqual({
      name: 'extra',
      unsigned: false,
      folder: 'extra',
    });
  });
});

describe('GET /api/presets (the widget’s getUploadPresets)', () => {
  test('lists name and unsigned of every preset to a signed-in caller; 401 otherwise', async () => {
    const server = await withPresets({ ugc: { unsigned: true, folder: 'ugc' }, avatars: { max_file_size: 10 } });
    const url = `${server.url}/api/presets`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    expect((await fetch(url, { headers: { Authorization: 'Bearer wrong-token-1234567' } })).status).toBe(401);

    const bearer = await fetch(url, { headers: { Authorization: `Bearer ${server.credentials.demo_token}` } });
    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toEqual([
      { name: 'avatars', unsigned: false },
      { name: 'ugc', unsigned: true },
    ]);
    const cookie = await fetch(url, { headers: { Cookie: `signet_token=${server.credentials.demo_token}` } });
    expect(cookie.status).toBe(200);
  });
});

describe('POST /api/sign and presets', () => {
  const signRequest = (server: SignetServer, body: Record<string, unknown>) =>
    fetch(`${server.url}/api/sign`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.credentials.demo_token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ timestamp: nowSeconds(), ...body }),
    });

  test('signs a known upload_preset, and the signed upload stores under it', async () => {
    const server = await withPresets({ albums: { folder: 'albums' } });
    const params = { upload_preset: 'albums', public_id: 'x', timestamp: nowSeconds() };
    const response = await signRequest(server, params);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { signature: string; api_key: string };
    const fields = {
      ...params,
      timestamp: String(params.timestamp),
      signature: answer.signature,
      api_key: answer.api_key,
    };
    const upload = await postUpload(server, fields, pngFile);
    expect(upload.body).toMatchObject({ public_id: 'albums/x', etag: md5(png) });
  });

  test('refuses an unknown preset (400 PARAM_INVALID) and a tag that holds the delimiter (400 TAG_INVALID)', async () => {
    const server = await withPresets({ albums: {} });
    const unknown = await signRequest(server, { upload_preset: 'nope' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('PARAM_INVALID');
    const comma = await signRequest(server, { tags: ['a,b'] });
    expect(comma.status).toBe(400);
    expect(((await comma.json()) as { error: { code: string } }).error.code).toBe('TAG_INVALID');
  });
});
