// Temp files of dead requests are swept: at start (a fresh process owns none) and by the periodic sweep (whatever no
// request in flight owns), never a chunk session, which resumes, nor Companion's folder (issue 12 case 9; security
// cases 14, 31 and 45). Before: a single upload cut by SIGKILL left its temp file for `chunkTtlSeconds` (1 h), and
// the periodic sweep went by age alone, so it could also take the temp file of a live upload that had paused.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import type { Credentials } from '../src/credentials.js';
import { sign } from '../src/signing.js';
import { dataState, postUpload, signed, startTestServer, tempDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/signet-server.js', import.meta.url));
const ENTRY = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');

interface Target {
  url: string;
  credentials: Pick<Credentials, 'cloud_name' | 'api_key' | 'api_secret'>;
}

/** Signed fields for `target` at `timestamp` (seconds). */
function fieldsAt(target: Target, params: Record<string, string | number>, timestamp: number): Record<string, string> {
  const all = { ...params, timestamp };
  return {
    ...Object.fromEntries(Object.entries(all).map(([key, value]) => [key, String(value)])),
    api_key: target.credentials.api_key,
    signature: sign(all, target.credentials.api_secret),
  };
}

interface HeldUpload {
  /** Sends the rest of the file and the closing boundary; resolves with the answer. */
  finish(): Promise<{ status: number; body: Record<string, unknown> }>;
  /** How the request ended: with an answer, or cut without one (the server died). */
  ended: Promise<'answered' | 'cut'>;
}

/** A single upload whose body stops after `firstBytes` of `data`, the request left open. */
function heldUpload(target: Target, fields: Record<string, string>, data: Buffer, firstBytes: number): HeldUpload {
  const boundary = `----signet${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `${Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="held.bin"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const req = request(new URL(`${target.url}/v1_1/${target.credentials.cloud_name}/raw/upload`), {
    method: 'POST',
    headers: {
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': String(head.length + data.length + tail.length),
    },
  });
  const answer = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  const ended = answer.then(
    () => 'answered' as const,
    () => 'cut' as const,
  );
  req.write(head);
  req.write(data.subarray(0, firstBytes));
  return {
    finish() {
      req.end(Buffer.concat([data.subarray(firstBytes), tail]));
      return answer;
    },
    ended,
  };
}

/** Temp upload files (`upload-*`) directly in `<dataDir>/tmp`, with their sizes. */
async function tempUploads(dataDir: string): Promise<Record<string, number>> {
  const tmp = join(dataDir, 'tmp');
  const found: Record<string, number> = {};
  for (const name of await readdir(tmp)) {
    if (!name.startsWith('upload-')) continue;
    const info = await stat(join(tmp, name)).catch(() => null);
    if (info) found[name] = info.size;
  }
  return found;
}

/** Polls `check` until it holds (the condition is what is asserted; the wait is only how long it may take). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`gave up waiting: ${what}`);
}

describe('at start, every temp upload file goes: no request of a fresh process owns one', () => {
  test('a fresh leftover is removed; chunk sessions and Companion’s folder stay', async () => {
    const dataDir = await tempDir();
    const tmp = join(dataDir, 'tmp');
    await mkdir(join(tmp, 'chunks', 'a-session'), { recursive: true });
    await mkdir(join(tmp, 'companion'), { recursive: true });
    await writeFile(join(tmp, 'upload-0123456789abcdef01234567'), randomBytes(1000));
    await writeFile(join(tmp, 'chunks', 'a-session', 'data'), randomBytes(100));
    await writeFile(join(tmp, 'companion', 'download-1'), randomBytes(100));

    const server = await startTestServer({ dataDir });
    expect(await tempUploads(dataDir)).toEqual({});
    expect((await stat(join(tmp, 'chunks', 'a-session', 'data'))).size).toBe(100);
    expect((await stat(join(tmp, 'companion', 'download-1'))).size).toBe(100);
    expect((await postUpload(server, signed(server, {}), { data: randomBytes(50), name: 'a.bin' })).status).toBe(200);
  });
});

describe('the periodic sweep removes what no request in flight owns, whatever its age', () => {
  test('a paused live upload keeps its temp file (even older than the TTL by the clock); orphans go', async () => {
    // The clock says a day has passed: by age alone, every temp file here is stale.
    const clock = Date.now() + 24 * 3600 * 1000;
    const server = await startTestServer({ now: () => clock, config: { limits: { chunkTtlSeconds: 4 } } });
    const data = randomBytes(256 * 1024);
    const held = heldUpload(server, fieldsAt(server, {}, Math.floor(clock / 1000)), data, 100 * 1024);
    await until(async () => Object.values(await tempUploads(server.dataDir)).some((size) => size > 0), 'a temp file');
    const [live] = Object.keys(await tempUploads(server.dataDir));

    // Two orphans, one after the other: once both are gone, at least one whole sweep ran after the first.
    for (const orphan of ['upload-orphan-1', 'upload-orphan-2']) {
      await writeFile(join(server.dataDir, 'tmp', orphan), 'left by a dead request');
      await until(async () => !existsSync(join(server.dataDir, 'tmp', orphan)), `the sweep to remove ${orphan}`);
    }
    expect(Object.keys(await tempUploads(server.dataDir))).toEqual([live]);

    const answer = await held.finish();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ bytes: data.length, etag: md5(data) });
    const state = await dataState(server);
    expect(state.rows).toHaveLength(1);
    expect(state.tmpFiles).toEqual([]);
  });
});

describe('a real server killed with SIGKILL mid-upload', () => {
  beforeAll(() => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: build first (node scripts/build.mjs).`);
  });

  async function startChild(dataDir: string): Promise<{ child: ChildProcess; target: Target }> {
    // Chunks as small as this test sends them.
    const config = join(await tempDir('signet-config-'), 'config.json');
    await writeFile(config, JSON.stringify({ limits: { minChunkSize: 1 } }));
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

  test('leaves its temp file; a restart removes it, and a chunked upload begun before resumes', async () => {
    const dataDir = await tempDir();
    const first = await startChild(dataDir);
    const now = Math.floor(Date.now() / 1000);

    // A chunked upload, half sent: its session must survive the kill and the restart's sweep.
    const whole = randomBytes(2000);
    const chunkFields = fieldsAt(first.target, { public_id: 'resumed' }, now);
    const sendChunk = async (target: Target, range: string, bytes: Buffer) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(chunkFields)) form.append(name, value);
      form.append('file', new Blob([new Uint8Array(bytes)]), 'big.bin');
      const response = await fetch(`${target.url}/v1_1/${target.credentials.cloud_name}/raw/upload`, {
        method: 'POST',
        body: form,
        headers: { 'X-Unique-Upload-Id': 'survives-a-kill', 'Content-Range': range },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect((await sendChunk(first.target, 'bytes 0-999/2000', whole.subarray(0, 1000))).status).toBe(200);

    // A single upload, held open after 64 KiB of its file.
    const held = heldUpload(first.target, fieldsAt(first.target, {}, now - 1), randomBytes(512 * 1024), 64 * 1024);
    await until(async () => Object.values(await tempUploads(dataDir)).some((size) => size > 0), 'a temp file');
    first.child.kill('SIGKILL');
    expect(await held.ended).toBe('cut');
    const left = await tempUploads(dataDir);
    expect(Object.keys(left)).toHaveLength(1);

    const second = await startChild(dataDir);
    expect(await tempUploads(dataDir)).toEqual({});
    const last = await sendChunk(second.target, 'bytes 1000-1999/2000', whole.subarray(1000));
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({ public_id: 'resumed', bytes: 2000, etag: md5(whole) });
    second.child.kill('SIGTERM');
  });
});
