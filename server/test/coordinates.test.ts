// Cloudinary's `custom_coordinates` (the widget's crop box): the parser and fit check, then end to end with the
// official SDK as the client — every upload path, explicit, the Admin API's resource and update, and /api/sign.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UploadError } from 'signet-upload/protocol';
import { describe, expect, test } from 'vitest';
import { assertCoordinatesFit, MAX_BOXES, parseCustomCoordinates } from '../src/coordinates.js';
import type { SignetServer } from '../src/index.js';
import { sign } from '../src/signing.js';
import { makePng } from './fixtures/png.js';
import {
  dataState,
  expectError,
  expectNothingStored,
  nowSeconds,
  postUpload,
  runSdk,
  sdkCall,
  signedUpload,
  startTestServer,
  tempDir,
} from './helpers.js';

function refusal(run: () => unknown): { code: string } | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof UploadError)) throw error;
    return { code: error.code };
  }
}

async function pngFile(width: number, height: number, name = 'photo.png'): Promise<string> {
  const path = join(await tempDir('signet-coordinates-'), name);
  await writeFile(path, makePng(width, height));
  return path;
}

const customOf = async (server: SignetServer, publicId: string) =>
  (await dataState(server)).rows.find((row) => row.publicId === publicId)?.customCoordinates;

describe('parseCustomCoordinates', () => {
  test.each([
    ['10,20,30,40', [[10, 20, 30, 40]]],
    [
      '0,0,1,1|5,6,7,8',
      [
        [0, 0, 1, 1],
        [5, 6, 7, 8],
      ],
    ],
    ['0000009,0,1,1', [[9, 0, 1, 1]]],
  ])('reads %s', (text, boxes) => {
    expect(parseCustomCoordinates(text)).toEqual(boxes);
  });

  test.each([
    '1,2,3',
    '1,2,3,4,5',
    '-1,0,5,5',
    'a,b,c,d',
    '0,0,0,5',
    '0,0,5,0',
    '1.5,2,3,4',
    '1, 2,3,4',
    '1,2,3,4|',
    '|1,2,3,4',
    '1,2,3,4;5,6,7,8',
    '12345678,0,1,1',
    '',
    Array.from({ length: MAX_BOXES + 1 }, () => '0,0,1,1').join('|'),
  ])('refuses %j with PARAM_INVALID', (text) => {
    expect(refusal(() => parseCustomCoordinates(text))).toEqual({ code: 'PARAM_INVALID' });
  });

  test(`takes up to ${MAX_BOXES} boxes`, () => {
    expect(parseCustomCoordinates(Array.from({ length: MAX_BOXES }, () => '0,0,1,1').join('|'))).toHaveLength(
      MAX_BOXES,
    );
  });
});

describe('assertCoordinatesFit', () => {
  const image = { resourceType: 'image', width: 24, height: 16 };
  test.each([
    ['a box touching the right and bottom edges', [[4, 6, 20, 10]], image, 'accepted'],
    ['the whole image', [[0, 0, 24, 16]], image, 'accepted'],
    ['a box one pixel too wide', [[5, 0, 20, 16]], image, { code: 'PARAM_INVALID' }],
    ['a box one pixel too tall', [[0, 1, 24, 16]], image, { code: 'PARAM_INVALID' }],
    [
      'one good box and one outside',
      [
        [0, 0, 1, 1],
        [30, 0, 1, 1],
      ],
      image,
      { code: 'PARAM_INVALID' },
    ],
    ['an image of unknown size', [[500, 500, 9, 9]], { resourceType: 'image', width: null, height: null }, 'accepted'],
    ['a raw file', [[0, 0, 1, 1]], { resourceType: 'raw', width: null, height: null }, { code: 'PARAM_INVALID' }],
    ['a video', [[0, 0, 1, 1]], { resourceType: 'video', width: 640, height: 480 }, { code: 'PARAM_INVALID' }],
  ] as const)('%s', (_, boxes, asset, verdict) => {
    expect(refusal(() => assertCoordinatesFit(boxes, asset))).toEqual(verdict);
  });
});

describe('custom_coordinates on upload (official SDK)', () => {
  test('uploader.upload stores the box; api.resource with coordinates: true answers it, without it not', async () => {
    const server = await startTestServer();
    const path = await pngFile(120, 80);
    const { result, verified, error } = await runSdk(server, 'upload', path, {
      public_id: 'crop/one',
      custom_coordinates: '10,20,30,40',
    });
    expect(error).toBeUndefined();
    expect(verified).toBe(true);
    // Cloudinary's upload answer includes custom coordinates when an image has them.
    expect(result).toMatchObject({ public_id: 'crop/one', coordinates: { custom: [[10, 20, 30, 40]] } });
    expect(await customOf(server, 'crop/one')).toEqual([[10, 20, 30, 40]]);

    const asked = await sdkCall(server, 'api.resource', ['crop/one', { coordinates: true }]);
    expect(asked.error).toBeUndefined();
    expect(asked.result?.coordinates).toEqual({ custom: [[10, 20, 30, 40]] });
    const plain = await sdkCall(server, 'api.resource', ['crop/one']);
    expect(plain.result).toMatchObject({ public_id: 'crop/one' });
    expect(plain.result).not.toHaveProperty('coordinates');
    const unclear = await sdkCall(server, 'api.resource', ['crop/one', { coordinates: 'maybe' }]);
    expect(unclear.error).toMatchObject({ http_code: 400, message: expect.stringContaining('coordinates') });
  });

  test('several boxes, as an SDK array of arrays or a "|"-joined string, come back in order', async () => {
    const server = await startTestServer();
    const path = await pngFile(120, 80);
    const fromArray = await runSdk(server, 'upload', path, {
      public_id: 'crop/array',
      custom_coordinates: [
        [0, 0, 10, 10],
        [50, 40, 70, 40],
      ],
    });
    expect(fromArray.error).toBeUndefined();
    const fromText = await runSdk(server, 'upload', path, {
      public_id: 'crop/text',
      custom_coordinates: '50,40,70,40|0,0,10,10',
    });
    expect(fromText.error).toBeUndefined();
    const array = await sdkCall(server, 'api.resource', ['crop/array', { coordinates: true }]);
    expect(array.result?.coordinates).toEqual({
      custom: [
        [0, 0, 10, 10],
        [50, 40, 70, 40],
      ],
    });
    expect(await customOf(server, 'crop/text')).toEqual([
      [50, 40, 70, 40],
      [0, 0, 10, 10],
    ]);
  });

  test.each([
    ['too few numbers', '1,2,3'],
    ['a negative x', '-1,0,5,5'],
    ['not numbers', 'a,b,c,d'],
    ['a width of 0', '0,0,0,5'],
    ['a box outside the 24×16 image', '10,0,20,10'],
  ])('%s (%s) → 400 PARAM_INVALID, nothing stored', async (_, value) => {
    const server = await startTestServer();
    const path = await pngFile(24, 16);
    const { error } = await runSdk(server, 'upload', path, { public_id: 'crop/bad', custom_coordinates: value });
    expect(error).toMatchObject({ http_code: 400, message: expect.stringContaining('custom_coordinates') });
    await expectNothingStored(server);
    const raw = await signedUpload(
      server,
      { public_id: 'crop/bad', custom_coordinates: value },
      { data: makePng(24, 16), name: 'p.png' },
    );
    expectError(raw, 400, 'PARAM_INVALID');
    await expectNothingStored(server);
  });

  test('a width of 0 sent as a number → 400, nothing stored', async () => {
    const server = await startTestServer();
    const { error } = await runSdk(server, 'upload', await pngFile(24, 16), { custom_coordinates: [1, 1, 0, 4] });
    expect(error).toMatchObject({ http_code: 400 });
    await expectNothingStored(server);
  });

  test('custom_coordinates on a raw file → 400, nothing stored', async () => {
    const server = await startTestServer();
    const answer = await signedUpload(
      server,
      { custom_coordinates: '0,0,1,1' },
      { data: Buffer.from('plain text'), name: 'notes.txt' },
      { resourceType: 'raw' },
    );
    expectError(answer, 400, 'PARAM_INVALID');
    await expectNothingStored(server);
  });

  test('are covered by the signature: added to or changed after signing → 401 SIGNATURE_INVALID, nothing stored', async () => {
    const server = await startTestServer();
    const file = { data: makePng(24, 16), name: 'p.png' };
    const send = (params: Record<string, string | number>, coordinates: string) =>
      postUpload(
        server,
        {
          ...Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])),
          custom_coordinates: coordinates,
          api_key: server.credentials.api_key,
          signature: sign(params, server.credentials.api_secret),
        },
        file,
      );
    expectError(await send({ timestamp: nowSeconds(), public_id: 'a' }, '1,1,5,5'), 401, 'SIGNATURE_INVALID');
    expectError(
      await send({ timestamp: nowSeconds(), public_id: 'a', custom_coordinates: '1,1,5,5' }, '1,1,6,6'),
      401,
      'SIGNATURE_INVALID',
    );
    await expectNothingStored(server);
  });

  test('uploader.upload_large (chunked) carries them; a box outside the image → 400, no temp data left', async () => {
    const server = await startTestServer();
    const path = await pngFile(300, 200, 'big.png');
    const png = makePng(300, 200);
    const chunkSize = Math.ceil(png.length / 3);
    const { result, error } = await runSdk(server, 'upload_large', path, {
      chunk_size: chunkSize,
      // The SDK's upload_large files as raw unless told otherwise, and coordinates are for images only.
      resource_type: 'auto',
      public_id: 'crop/chunked',
      custom_coordinates: '100,50,200,150',
    });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ public_id: 'crop/chunked', coordinates: { custom: [[100, 50, 200, 150]] } });
    expect(await customOf(server, 'crop/chunked')).toEqual([[100, 50, 200, 150]]);

    const outside = await runSdk(server, 'upload_large', path, {
      chunk_size: chunkSize,
      resource_type: 'auto',
      public_id: 'crop/outside',
      custom_coordinates: '100,50,201,150',
    });
    expect(outside.error).toMatchObject({ http_code: 400 });
    const state = await dataState(server);
    expect(state.rows.map((row) => row.publicId)).toEqual(['crop/chunked']);
    expect(state.storeKeys).toHaveLength(1);
    expect(state.tmpFiles).toEqual([]);
  });

  test('an overwrite replaces them, with none when it sends none (even where tags and context are retained)', async () => {
    const server = await startTestServer({ config: { assets: { retainOnOverwrite: true } } });
    const path = await pngFile(40, 30);
    await runSdk(server, 'upload', path, { public_id: 'crop/over', custom_coordinates: '1,1,5,5', tags: 'keep' });
    const other = await runSdk(server, 'upload', path, {
      public_id: 'crop/over',
      overwrite: true,
      custom_coordinates: '2,2,8,8',
    });
    expect(other.result?.coordinates).toEqual({ custom: [[2, 2, 8, 8]] });
    const none = await runSdk(server, 'upload', path, { public_id: 'crop/over', overwrite: true });
    expect(none.error).toBeUndefined();
    expect(none.result).not.toHaveProperty('coordinates');
    const [row] = (await dataState(server)).rows;
    expect(row).toMatchObject({ tags: ['keep'], customCoordinates: null });
  });

  test('an unsigned preset accepts them (as Cloudinary does), and refuses a bad one before storing', async () => {
    const server = await startTestServer({ config: { presets: { ugc: { unsigned: true, folder: 'ugc' } } } });
    const file = { data: makePng(40, 30), name: 'p.png' };
    const ok = await postUpload(server, { upload_preset: 'ugc', custom_coordinates: '0,0,40,30' }, file);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ coordinates: { custom: [[0, 0, 40, 30]] } });
    const bad = await postUpload(server, { upload_preset: 'ugc', custom_coordinates: '0,0,41,30' }, file);
    expectError(bad, 400, 'PARAM_INVALID');
    expect((await dataState(server)).rows).toHaveLength(1);
  });
});

describe('changing custom_coordinates of a stored image', () => {
  test('uploader.explicit replaces them; a box outside the image, or on a raw file, → 400 and nothing changes', async () => {
    const server = await startTestServer();
    await runSdk(server, 'upload', await pngFile(24, 16), { public_id: 'crop/x', custom_coordinates: '0,0,4,4' });
    const changed = await sdkCall(server, 'uploader.explicit', [
      'crop/x',
      { type: 'upload', custom_coordinates: '4,6,20,10|1,1,2,2' },
    ]);
    expect(changed.error).toBeUndefined();
    expect(changed.result?.coordinates).toEqual({
      custom: [
        [4, 6, 20, 10],
        [1, 1, 2, 2],
      ],
    });
    const asked = await sdkCall(server, 'api.resource', ['crop/x', { coordinates: true }]);
    expect(asked.result?.coordinates).toEqual(changed.result?.coordinates);

    const outside = await sdkCall(server, 'uploader.explicit', [
      'crop/x',
      { type: 'upload', custom_coordinates: '5,6,20,10' },
    ]);
    expect(outside.error).toMatchObject({ http_code: 400, message: expect.stringContaining('24×16') });
    const malformed = await sdkCall(server, 'uploader.explicit', [
      'crop/x',
      { type: 'upload', custom_coordinates: '1,2' },
    ]);
    expect(malformed.error).toMatchObject({ http_code: 400 });
    expect(await customOf(server, 'crop/x')).toEqual([
      [4, 6, 20, 10],
      [1, 1, 2, 2],
    ]);

    const raw = await signedUpload(
      server,
      { public_id: 'notes' },
      { data: Buffer.from('x'), name: 'n.txt' },
      {
        resourceType: 'raw',
      },
    );
    expect(raw.status).toBe(200);
    const onRaw = await sdkCall(server, 'uploader.explicit', [
      'notes',
      { type: 'upload', resource_type: 'raw', custom_coordinates: '0,0,1,1' },
    ]);
    expect(onRaw.error).toMatchObject({ http_code: 400 });
    expect(await customOf(server, 'notes')).toBeNull();
  });

  test('api.update replaces them too, checked the same way', async () => {
    const server = await startTestServer();
    await runSdk(server, 'upload', await pngFile(24, 16), { public_id: 'crop/u' });
    const updated = await sdkCall(server, 'api.update', ['crop/u', { custom_coordinates: '2,2,10,10' }]);
    expect(updated.error).toBeUndefined();
    expect(updated.result?.coordinates).toEqual({ custom: [[2, 2, 10, 10]] });
    const outside = await sdkCall(server, 'api.update', ['crop/u', { custom_coordinates: '20,2,10,10' }]);
    expect(outside.error).toMatchObject({ http_code: 400 });
    expect(await customOf(server, 'crop/u')).toEqual([[2, 2, 10, 10]]);
  });
});

describe('POST /api/sign with custom_coordinates', () => {
  const TOKEN = 'alice-token-0123456789';
  const users = { [TOKEN]: { id: 'alice', role: 'admin' as const } };
  const callSign = async (server: SignetServer, body: unknown) => {
    const response = await fetch(`${server.url}/api/sign`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  test('signs them as part of the string to sign; the upload with that signature stores them', async () => {
    const server = await startTestServer({ config: { users } });
    const params = { timestamp: nowSeconds(), source: 'uw', public_id: 'crop/signed', custom_coordinates: '3,4,10,8' };
    const signedAnswer = await callSign(server, params);
    expect(signedAnswer.status).toBe(200);
    expect(signedAnswer.body.signature).toBe(sign(params, server.credentials.api_secret));
    const fields = {
      ...Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])),
      api_key: signedAnswer.body.api_key as string,
      signature: signedAnswer.body.signature as string,
    };
    const upload = await postUpload(server, fields, { data: makePng(24, 16), name: 'p.png' });
    expect(upload.status, JSON.stringify(upload.body)).toBe(200);
    expect(await customOf(server, 'crop/signed')).toEqual([[3, 4, 10, 8]]);
  });

  test.each(['1,2,3', '-1,0,5,5', 'a,b,c,d', '0,0,0,5', 0])('refuses %j with 400 PARAM_INVALID', async (value) => {
    const server = await startTestServer({ config: { users } });
    expectError(await callSign(server, { timestamp: nowSeconds(), custom_coordinates: value }), 400, 'PARAM_INVALID');
  });
});
