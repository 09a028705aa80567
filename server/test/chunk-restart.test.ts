// A chunked upload survives the death of the server (issue 17, security case 31): the built CLI runs as a child
// process, is killed with SIGKILL in the middle of a chunk or of the finalization, and restarted on the same data
// directory. The restarted process continues the session from what its state recorded, keeps it its owner's, and
// the file ends whole or absent — never a second asset, never a mix.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import type { Credentials } from '../src/credentials.js';
import type { SessionState } from '../src/pipeline/sessions.js';
import { type Answer, askStatus, type ChunkTarget, expectCode, heldChunk, sendChunk, until } from './chunk-helpers.js';
import { dataState, signed, startTestServer, tempDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/signet-server.js', import.meta.url));
const ENTRY = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const MiB = 1024 * 1024;
const ALICE = 'alice-token-0123456789';
const BOB = 'bob-token-0123456789ab';

interface Child {
  child: ChildProcess;
  target: ChunkTarget;
}

async function startChild(dataDir: string): Promise<Child> {
  const config = join(await tempDir('signet-config-'), 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      limits: { minChunkSize: 1 },
      users: { [ALICE]: { id: 'alice', role: 'admin' }, [BOB]: { id: 'bob', role: 'admin' } },
    }),
  );
  const child = spawn(process.execPath, [BIN, '--port', '0', '--data', dataDir, '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '' },
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^signet-server listening on (http:\/\/\S+)$/m.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => reject(new Error(`signet-server exited (${code}):\n${output}`)));
  });
  const credentials = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8')) as Credentials;
  return { child, target: { url, credentials } };
}

async function kill({ child }: Child): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGKILL');
  await exited;
}

async function signAs(target: ChunkTarget, token: string, params: Record<string, string>) {
  const response = await fetch(`${target.url}/api/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ ...params, timestamp: Math.floor(Date.now() / 1000) }),
  });
  expect(response.status).toBe(200);
  const answer = (await response.json()) as { signature: string; api_key: string; timestamp: number };
  return { ...params, timestamp: String(answer.timestamp), api_key: answer.api_key, signature: answer.signature };
}

/** Every asset the server lists (as alice, an admin). */
async function assets(target: ChunkTarget): Promise<{ public_id: string; bytes: number; secure_url: string }[]> {
  const response = await fetch(`${target.url}/api/assets`, { headers: { authorization: `Bearer ${ALICE}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { resources: { public_id: string; bytes: number; secure_url: string }[] })
    .resources;
}

async function delivered(target: ChunkTarget, secureUrl: string): Promise<string> {
  const response = await fetch(`${target.url}${new URL(secureUrl).pathname}`);
  expect(response.status).toBe(200);
  return md5(Buffer.from(await response.arrayBuffer()));
}

const range = (start: number, end: number, total: number) => `bytes ${start}-${end - 1}/${total}`;

describe('a real server killed with SIGKILL in the middle of a chunked upload', () => {
  beforeAll(() => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: build first (node scripts/build.mjs).`);
  });

  test('mid-chunk: the restarted server shows what was recorded, refuses strangers, takes the retry, and the file is whole, once', async () => {
    const dataDir = await tempDir();
    const first = await startChild(dataDir);
    const data = randomBytes(3 * MiB);
    const id = 'killed-mid-chunk';
    const fields = await signAs(first.target, ALICE, { public_id: 'video/holiday' });
    expect((await sendChunk(first.target, fields, range(0, MiB, 3 * MiB), data.subarray(0, MiB), id)).status).toBe(200);
    const cut = heldChunk(first.target, fields, range(MiB, 2 * MiB, 3 * MiB), data.subarray(MiB, 2 * MiB), MiB / 2, id);
    await until(
      async () => ((await askStatus(first.target, fields, id)).body.arriving as unknown[]).length > 0,
      'a chunk arriving',
    );
    await kill(first);
    expect(await cut.ended).toBe('cut');

    const second = await startChild(dataDir);
    expect(await askStatus(second.target, fields, id)).toEqual({
      status: 200,
      body: {
        upload_id: id,
        done: false,
        bytes: MiB,
        total: 3 * MiB,
        received: [{ start: 0, end: MiB - 1 }],
        arriving: [],
      },
    });
    // Bob signs the very same parameters: a valid signature, but the session is still Alice's.
    await new Promise((done) => setTimeout(done, 1100));
    const bobs = await signAs(second.target, BOB, { public_id: 'video/holiday' });
    expectCode(await askStatus(second.target, bobs, id), 404, 'NOT_FOUND');
    const foreign = await sendChunk(second.target, bobs, range(MiB, 2 * MiB, 3 * MiB), randomBytes(MiB), id);
    expectCode(foreign, 403, 'CHUNK_FORBIDDEN');

    const retried = await sendChunk(
      second.target,
      fields,
      range(MiB, 2 * MiB, 3 * MiB),
      data.subarray(MiB, 2 * MiB),
      id,
    );
    expect(retried).toMatchObject({ status: 200, body: { done: false, bytes: 2 * MiB } });
    const last = await sendChunk(second.target, fields, range(2 * MiB, 3 * MiB, 3 * MiB), data.subarray(2 * MiB), id);
    expect(last).toMatchObject({ status: 200, body: { public_id: 'video/holiday', bytes: 3 * MiB, etag: md5(data) } });
    const again = await sendChunk(second.target, fields, range(2 * MiB, 3 * MiB, 3 * MiB), data.subarray(2 * MiB), id);
    expect(again.body).toEqual(last.body);

    const listed = await assets(second.target);
    expect(listed.map((asset) => [asset.public_id, asset.bytes])).toEqual([['video/holiday', 3 * MiB]]);
    expect(await delivered(second.target, listed[0]?.secure_url ?? '')).toBe(md5(data));
    await kill(second);
  });

  test('while the last chunk is being finalized: the asset is whole or absent, and the retried last chunk ends with exactly one', async () => {
    const dataDir = await tempDir();
    const first = await startChild(dataDir);
    // Large enough that publishing it (fsync) takes a while after every byte is recorded.
    const size = 160 * MiB;
    const data = randomBytes(size);
    const id = 'killed-finalizing';
    const fields = await signAs(first.target, ALICE, { public_id: 'big/file' });
    const split = size - MiB;
    expect((await sendChunk(first.target, fields, range(0, split, size), data.subarray(0, split), id)).status).toBe(
      200,
    );
    const lastChunk = data.subarray(split);
    const lastAnswer = sendChunk(first.target, fields, range(split, size, size), lastChunk, id).catch(() => 'cut');
    // Every byte recorded, the last range still held: the server is finalizing. Kill it there (or just after).
    await until(async () => {
      const status = await askStatus(first.target, fields, id).catch(() => null);
      return status?.body.bytes === size || status?.body.done === true;
    }, 'every byte recorded');
    await kill(first);
    await lastAnswer;

    const second = await startChild(dataDir);
    const before = await assets(second.target);
    // Whole or absent: at most one asset, and one that is there is the whole file.
    expect(before.length).toBeLessThanOrEqual(1);
    for (const asset of before) expect(await delivered(second.target, asset.secure_url)).toBe(md5(data));

    const retried: Answer = await sendChunk(second.target, fields, range(split, size, size), lastChunk, id);
    if (retried.status === 200) {
      expect(retried.body).toMatchObject({ public_id: 'big/file', bytes: size, etag: md5(data) });
    } else {
      // The bytes had gone to the store and no record took them: the upload starts again, and then completes.
      expectCode(retried, 400, 'UPLOAD_EXPIRED');
      expect(before).toEqual([]);
      const again = 'killed-finalizing-again';
      expect(
        (await sendChunk(second.target, fields, range(0, split, size), data.subarray(0, split), again)).status,
      ).toBe(200);
      expect((await sendChunk(second.target, fields, range(split, size, size), lastChunk, again)).body).toMatchObject({
        bytes: size,
        etag: md5(data),
      });
    }
    const after = await assets(second.target);
    expect(after.map((asset) => asset.public_id)).toEqual(['big/file']);
    expect(await delivered(second.target, after[0]?.secure_url ?? '')).toBe(md5(data));
    await kill(second);
  }, 120_000);
});

describe('a session left complete but never finalized (a crash between recording the last chunk and publishing)', () => {
  /** Two chunks of three sent to one server, then the last recorded in its state by hand, as the crash leaves it. */
  async function leftComplete() {
    const dataDir = await tempDir();
    const data = randomBytes(300);
    const first = await startTestServer({ dataDir });
    const fields = signed(first, { public_id: 'recovered' });
    const id = 'left-complete';
    for (const [start, end] of [
      [0, 100],
      [100, 200],
    ] as const)
      expect((await sendChunk(first, fields, range(start, end, 300), data.subarray(start, end), id)).status).toBe(200);
    await first.close();
    const chunks = join(dataDir, 'tmp', 'chunks');
    const [session] = (await readdir(chunks)).filter((name) => !name.includes('.'));
    const dir = join(chunks, session as string);
    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as SessionState;
    const last = { start: 200, end: 299, md5: md5(data.subarray(200)) };
    await writeFile(
      join(dir, 'state.json'),
      JSON.stringify({ ...state, chunks: [...state.chunks, last], received: 300, total: 300 }),
    );
    await writeFile(join(dir, 'data'), data);
    return { dataDir, data, fields, id, dataFile: join(dir, 'data') };
  }

  test('is finalized by the retried last chunk, once', async () => {
    const { dataDir, data, fields, id } = await leftComplete();
    const server = await startTestServer({ dataDir });
    expect((await askStatus(server, fields, id)).body).toMatchObject({ done: false, bytes: 300, arriving: [] });
    const answer = await sendChunk(server, fields, range(200, 300, 300), data.subarray(200), id);
    expect(answer).toMatchObject({ status: 200, body: { public_id: 'recovered', bytes: 300, etag: md5(data) } });
    expect((await sendChunk(server, fields, range(200, 300, 300), data.subarray(200), id)).body).toEqual(answer.body);
    expect((await dataState(server)).rows.map((row) => row.publicId)).toEqual(['recovered']);
  });

  test('whose bytes are gone (the store took them, no record did): 400 UPLOAD_EXPIRED, nothing left, start again', async () => {
    const { dataDir, data, fields, id, dataFile } = await leftComplete();
    await truncate(dataFile, 0);
    const server = await startTestServer({ dataDir });
    const answer = await sendChunk(server, fields, range(200, 300, 300), data.subarray(200), id);
    expectCode(answer, 400, 'UPLOAD_EXPIRED');
    expect(await dataState(server)).toEqual({ storeKeys: [], tmpFiles: [], rows: [] });
    expect((await askStatus(server, fields, id)).status).toBe(404);
  });
});
