// Resuming a chunked upload (issue 17): GET on the upload URL with X-Unique-Upload-Id tells the session's owner what
// the server holds (received ranges, ranges arriving, the answer once done) and nobody else anything; a retry of a
// chunk whose first attempt still seems to arrive (a cut the server never saw) takes its place.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { askStatus, expectCode, heldChunk, sendChunk, until } from './chunk-helpers.js';
import { expectError, nowSeconds, signed, startTestServer } from './helpers.js';

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const ALICE = 'alice-token-0123456789';
const BOB = 'bob-token-0123456789ab';
const users = { [ALICE]: { id: 'alice', role: 'admin' }, [BOB]: { id: 'bob', role: 'admin' } } as const;
const DATA = randomBytes(400);

/** A signature from the signing endpoint as `token`'s user, with the parameters as a chunk sends them. */
async function signAs(url: string, token: string, params: Record<string, string | number>) {
  const response = await fetch(`${url}/api/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(params),
  });
  expect(response.status).toBe(200);
  const answer = (await response.json()) as { signature: string; api_key: string; timestamp: number };
  return {
    ...Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])),
    timestamp: String(answer.timestamp),
    api_key: answer.api_key,
    signature: answer.signature,
  };
}

const nextSecond = () => new Promise((done) => setTimeout(done, 1100));

describe('the status of a chunked upload (GET with X-Unique-Upload-Id)', () => {
  test('tells its owner the ranges received (merged, gaps left), then that it is done, with the upload’s answer', async () => {
    const server = await startTestServer();
    const fields = signed(server, { public_id: 'resumable' });
    const id = 'status-upload-1';
    expect((await sendChunk(server, fields, 'bytes 0-99/400', DATA.subarray(0, 100), id)).status).toBe(200);
    expect((await sendChunk(server, fields, 'bytes 200-299/400', DATA.subarray(200, 300), id)).status).toBe(200);
    const partial = await askStatus(server, fields, id);
    expect(partial).toEqual({
      status: 200,
      body: {
        upload_id: id,
        done: false,
        bytes: 100,
        total: 400,
        received: [
          { start: 0, end: 99 },
          { start: 200, end: 299 },
        ],
        arriving: [],
      },
    });

    expect((await sendChunk(server, fields, 'bytes 100-199/400', DATA.subarray(100, 200), id)).status).toBe(200);
    expect((await askStatus(server, fields, id)).body).toMatchObject({
      bytes: 300,
      received: [{ start: 0, end: 299 }],
    });
    const last = await sendChunk(server, fields, 'bytes 300-399/400', DATA.subarray(300), id);
    expect(last.body).toMatchObject({ public_id: 'resumable', bytes: 400, etag: md5(DATA) });

    const done = await askStatus(server, fields, id);
    expect(done).toEqual({
      status: 200,
      body: {
        upload_id: id,
        done: true,
        bytes: 400,
        total: 400,
        received: [{ start: 0, end: 399 }],
        arriving: [],
        response: last.body,
      },
    });
  });

  test('with the total unknown (-1, the official SDK) answers total null until the last chunk', async () => {
    const server = await startTestServer();
    const fields = signed(server, {});
    expect((await sendChunk(server, fields, 'bytes 0-99/-1', DATA.subarray(0, 100), 'sdk-style')).status).toBe(200);
    expect((await askStatus(server, fields, 'sdk-style')).body).toMatchObject({ bytes: 100, total: null, done: false });
  });

  test('answers the same signer asking with a fresh signature for the same parameters, and spends no use of it', async () => {
    const server = await startTestServer({ config: { users } });
    const id = 'status-upload-2';
    const first = await signAs(server.url, ALICE, { public_id: 'mine', timestamp: nowSeconds() });
    expect((await sendChunk(server, first, 'bytes 0-99/400', DATA.subarray(0, 100), id)).status).toBe(200);
    await nextSecond();
    const fresh = await signAs(server.url, ALICE, { public_id: 'mine', timestamp: nowSeconds() });
    expect(fresh.signature).not.toBe(first.signature);
    expect((await askStatus(server, fresh, id)).body).toMatchObject({ bytes: 100, done: false });
    expect((await askStatus(server, fresh, id)).body).toMatchObject({ bytes: 100, done: false });
    // Issued once and asked with twice: still one use left for a chunk.
    const next = await sendChunk(server, fresh, 'bytes 100-199/400', DATA.subarray(100, 200), id);
    expect(next).toMatchObject({ status: 200, body: { done: false, bytes: 200 } });
  });

  test('a renewed signature continues the session on every chunk, also in parallel, and a stranger’s burns no use', async () => {
    const server = await startTestServer({ config: { users } });
    const id = 'status-upload-renewed';
    const first = await signAs(server.url, ALICE, { public_id: 'reloaded', timestamp: nowSeconds() });
    expect((await sendChunk(server, first, 'bytes 0-99/400', DATA.subarray(0, 100), id)).status).toBe(200);
    await nextSecond();
    // The page reloaded: the same user's fresh signature for the same parameters, issued once, carries the rest.
    const fresh = await signAs(server.url, ALICE, { public_id: 'reloaded', timestamp: nowSeconds() });
    const middle = await Promise.all([
      sendChunk(server, fresh, 'bytes 100-199/400', DATA.subarray(100, 200), id),
      sendChunk(server, fresh, 'bytes 200-299/400', DATA.subarray(200, 300), id),
    ]);
    expect(middle.map((answer) => answer.status)).toEqual([200, 200]);
    const last = await sendChunk(server, fresh, 'bytes 300-399/400', DATA.subarray(300), id);
    expect(last.body).toMatchObject({ public_id: 'reloaded', bytes: 400, etag: md5(DATA) });

    // Bob's signature for the same parameters is refused on Alice's session, and is still good for his own upload.
    const other = 'status-upload-strangers';
    // (Alice's first signature was her session's one use: a second session needs its own.)
    expectCode(
      await sendChunk(server, first, 'bytes 0-99/400', DATA.subarray(0, 100), other),
      400,
      'SIGNATURE_REPLAYED',
    );
    await nextSecond();
    const again = await signAs(server.url, ALICE, { public_id: 'reloaded', timestamp: nowSeconds() });
    expect((await sendChunk(server, again, 'bytes 0-99/400', DATA.subarray(0, 100), other)).status).toBe(200);
    await nextSecond();
    const bobs = await signAs(server.url, BOB, { public_id: 'reloaded', timestamp: nowSeconds() });
    expectCode(
      await sendChunk(server, bobs, 'bytes 100-199/400', DATA.subarray(100, 200), other),
      403,
      'CHUNK_FORBIDDEN',
    );
    const own = await sendChunk(server, bobs, 'bytes 0-399/400', DATA, 'bobs-own-upload');
    expect(own.status).toBe(200);
  });

  test('tells strangers nothing: another user, other parameters, no signature and an unused id get one same 404', async () => {
    const server = await startTestServer({ config: { users, presets: { open: { unsigned: true } } } });
    const id = 'status-upload-3';
    const alices = await signAs(server.url, ALICE, { public_id: 'private', timestamp: nowSeconds() });
    expect((await sendChunk(server, alices, 'bytes 0-99/400', DATA.subarray(0, 100), id)).status).toBe(200);
    await nextSecond();
    const bobs = await signAs(server.url, BOB, { public_id: 'private', timestamp: nowSeconds() });
    const otherParams = await signAs(server.url, ALICE, { public_id: 'elsewhere', timestamp: nowSeconds() });
    const unspent = await signAs(server.url, ALICE, { public_id: 'private', timestamp: nowSeconds() });

    const answers = [
      await askStatus(server, bobs, id),
      await askStatus(server, otherParams, id),
      await askStatus(server, { upload_preset: 'open' }, id),
      await askStatus(server, unspent, 'nobody-used-this-id'),
    ];
    for (const answer of answers) expectCode(answer, 404, 'NOT_FOUND');
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    // A forged signature is refused for what it is, before any session is looked at.
    expectCode(await askStatus(server, { ...alices, signature: '0'.repeat(40) }, id), 401, 'SIGNATURE_INVALID');
    // And the owner still sees its session.
    expect((await askStatus(server, alices, id)).body).toMatchObject({ bytes: 100 });
  });

  test('needs the upload id, and a page on any origin may ask (CORS preflight allows GET)', async () => {
    const server = await startTestServer();
    const fields = signed(server, {});
    const url = `${server.url}/v1_1/${server.credentials.cloud_name}/raw/upload`;
    const bare = await fetch(`${url}?${new URLSearchParams(fields)}`);
    expectError({ status: bare.status, headers: bare.headers, body: await bare.json() }, 400, 'CHUNK_INVALID');
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://elsewhere.example',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'x-unique-upload-id',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Unique-Upload-Id');
  });
});

describe('a chunk whose bytes still seem to arrive', () => {
  test('shows in the status; its owner’s retry of the same range takes its place, and the file is whole', async () => {
    const server = await startTestServer();
    const fields = signed(server, { public_id: 'retried' });
    const id = 'takeover-1';
    const data = randomBytes(300_000);
    expect((await sendChunk(server, fields, 'bytes 0-99999/300000', data.subarray(0, 100_000), id)).status).toBe(200);
    const stuck = heldChunk(server, fields, 'bytes 100000-199999/300000', data.subarray(100_000, 200_000), 40_000, id);
    await until(async () => ((await askStatus(server, fields, id)).body.arriving as unknown[]).length > 0, 'arriving');
    expect((await askStatus(server, fields, id)).body).toMatchObject({
      bytes: 100_000,
      arriving: [{ start: 100_000, end: 199_999 }],
    });

    const retry = await sendChunk(server, fields, 'bytes 100000-199999/300000', data.subarray(100_000, 200_000), id);
    expect(retry).toMatchObject({ status: 200, body: { done: false, bytes: 200_000 } });
    const old = await stuck.ended;
    if (old !== 'cut') expectCode(old, 400, 'CHUNK_INVALID');

    const last = await sendChunk(server, fields, 'bytes 200000-299999/300000', data.subarray(200_000), id);
    expect(last.body).toMatchObject({ public_id: 'retried', bytes: 300_000, etag: md5(data) });
    expect((await askStatus(server, fields, id)).body).toMatchObject({ done: true, arriving: [] });
  });

  test('the first chunk too: its retry replaces it and the session opens once', async () => {
    const server = await startTestServer();
    const fields = signed(server, { public_id: 'first-retried' });
    const id = 'takeover-2';
    const data = randomBytes(200_000);
    const stuck = heldChunk(server, fields, 'bytes 0-99999/200000', data.subarray(0, 100_000), 30_000, id);
    // Not yet a session (no chunk recorded): the status is 404 until the first chunk is in.
    await until(async () => (await askStatus(server, fields, id)).status === 404, 'a status');
    await new Promise((done) => setTimeout(done, 200));
    const retry = await sendChunk(server, fields, 'bytes 0-99999/200000', data.subarray(0, 100_000), id);
    expect(retry).toMatchObject({ status: 200, body: { done: false, bytes: 100_000 } });
    expect(await stuck.ended).not.toMatchObject({ status: 200 });
    const last = await sendChunk(server, fields, 'bytes 100000-199999/200000', data.subarray(100_000), id);
    expect(last.body).toMatchObject({ bytes: 200_000, etag: md5(data) });
  });

  test('someone else’s chunk for that range is refused (403), and the one arriving completes', async () => {
    const server = await startTestServer({ config: { users } });
    const id = 'takeover-3';
    const data = randomBytes(300);
    const alices = await signAs(server.url, ALICE, { public_id: 'hers', timestamp: nowSeconds() });
    expect((await sendChunk(server, alices, 'bytes 0-99/300', data.subarray(0, 100), id)).status).toBe(200);
    const arriving = heldChunk(server, alices, 'bytes 100-199/300', data.subarray(100, 200), 50, id);
    await until(async () => ((await askStatus(server, alices, id)).body.arriving as unknown[]).length > 0, 'arriving');
    await nextSecond();
    const bobs = await signAs(server.url, BOB, { public_id: 'hers', timestamp: nowSeconds() });
    expectCode(await sendChunk(server, bobs, 'bytes 100-199/300', randomBytes(100), id), 403, 'CHUNK_FORBIDDEN');
    expect(await arriving.finish()).toMatchObject({ status: 200, body: { bytes: 200 } });
    const last = await sendChunk(server, alices, 'bytes 200-299/300', data.subarray(200), id);
    expect(last.body).toMatchObject({ bytes: 300, etag: md5(data) });
  });
});
