// A full disk answers STORAGE_FULL (507; 500 on Cloudinary's endpoints, the status the official SDKs read) on every
// path that writes: the temp file of a single upload, chunk data, the publish into the disk store, the SQLite
// catalogue. Temp files are freed, the process stays up, the next upload succeeds once space is back (issue 12
// case 5; security cases 17 and 45). The disk is a real one: a small tmpfs mounted as the server's data directory
// (the suite runs as root, as CI does on Debian).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdir,
  mkdtemp,
  open,
  readdir,
  readlink,
  rm,
  stat,
  statfs,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import {
  dataState,
  expectError,
  expectNothingStored,
  type JsonResponse,
  postUpload,
  runSdk,
  signed,
  startTestServer,
  type TestServer,
  tempDir,
} from './helpers.js';

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const PAGE = 4096;

interface SmallDisk {
  /** Where the tmpfs is mounted: the server's data directory. */
  dir: string;
  /** Writes a filler file until the disk refuses more (ENOSPC); `leave` bytes are then given back. */
  fill(leave?: number): Promise<void>;
  /** Creates empty files until no inode is left, then gives `leave` back. */
  useInodes(leave: number): Promise<void>;
  /** Removes the fillers: space and inodes are back. */
  free(): Promise<void>;
}

/** A tmpfs of `size` (`2m`, …) mounted on a fresh directory; unmounted (lazily, so open files do not stop it) after. */
async function smallDisk(options: string): Promise<SmallDisk> {
  const dir = await mkdtemp(join(tmpdir(), 'signet-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `${options},mode=0700`, 'tmpfs', dir]);
  onTestFinished(async () => {
    execFileSync('umount', ['-l', dir]);
    await rm(dir, { recursive: true, force: true });
  });
  const filler = join(dir, 'filler');
  const inodes = join(dir, 'inodes');
  return {
    dir,
    async fill(leave = 0) {
      const handle = await open(filler, 'a');
      const block = Buffer.alloc(64 * 1024);
      try {
        for (;;) await handle.write(block);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        // The last write may have stopped short of a page; shorten to whole pages, then give `leave` back.
      } finally {
        await handle.close();
      }
      const { size } = await stat(filler);
      await truncate(filler, Math.floor(size / PAGE) * PAGE - leave);
      const { bavail, bsize } = await statfs(dir);
      expect(bavail * bsize).toBe(leave);
    },
    async useInodes(leave) {
      await mkdir(inodes, { recursive: true });
      let made = 0;
      try {
        for (;;) await writeFile(join(inodes, String(made++)), '', { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
      for (let i = 0; i < leave; i++) await unlink(join(inodes, String(i)));
      expect((await statfs(dir)).ffree).toBe(leave);
    },
    async free() {
      await rm(filler, { force: true });
      await rm(inodes, { recursive: true, force: true });
    },
  };
}

async function fullServer(options: string): Promise<{ disk: SmallDisk; server: TestServer }> {
  const disk = await smallDisk(options);
  // No internal error may be logged: a full disk is a known condition, not a bug.
  // Chunks as small as these tests send (Cloudinary's 5 MB minimum would not fit on the disk).
  const server = await startTestServer({ dataDir: disk.dir, config: { limits: { minChunkSize: 1 } } });
  return { disk, server };
}

/**
 * The answer, and what the operator's log says (which write failed); no file on the disk is still open but the
 * catalogue's own (a leaked handle to a removed temp file would keep its space taken).
 */
async function expectStorageFull(
  server: TestServer,
  response: JsonResponse,
  logged: RegExp,
  status = 500,
): Promise<void> {
  expectError(response, status, 'STORAGE_FULL');
  expect((response.body.error as { message: string }).message).toMatch(/out of (storage )?space/i);
  expect(server.logs.filter((line) => line.includes('out of storage space'))).toEqual([expect.stringMatching(logged)]);
  expect(await openFilesUnder(server.dataDir)).toEqual([]);
}

/** Files under `dir` this process holds open, the SQLite catalogue's aside. */
async function openFilesUnder(dir: string): Promise<string[]> {
  const open: string[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(join('/proc/self/fd', fd)).catch(() => '');
    if (target.startsWith(`${dir}/`) && !/\/catalog\.sqlite(-wal|-shm)?$/.test(target)) open.push(target);
  }
  return open;
}

async function sessionDataBytes(server: TestServer): Promise<number> {
  let total = 0;
  for (const entry of await readdir(join(server.dataDir, 'tmp', 'chunks'), { recursive: true, withFileTypes: true }))
    if (entry.isFile() && entry.name === 'data') total += (await stat(join(entry.parentPath, entry.name))).size;
  return total;
}

let tick = 0;
const upload = (server: TestServer, data: Uint8Array, params: Record<string, string> = {}) =>
  postUpload(server, signed(server, { timestamp: Math.floor(Date.now() / 1000) - ++tick, ...params }), {
    data,
    name: 'data.bin',
  });

describe('a full disk answers STORAGE_FULL, frees what it wrote, and the next upload succeeds once space is back', () => {
  test('the temp file of a single upload → 500 STORAGE_FULL on the Upload API, nothing left', async () => {
    const { disk, server } = await fullServer('size=2m');
    await disk.fill();
    const data = randomBytes(64 * 1024);
    await expectStorageFull(server, await upload(server, data, { public_id: 'first' }), /ENOSPC.*write/);
    await expectNothingStored(server);

    await disk.free();
    const again = await upload(server, data, { public_id: 'first' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ public_id: 'first', bytes: data.length, etag: md5(data) });
  });

  test('the official SDK reads it: http_code 500 with our message', async () => {
    const { disk, server } = await fullServer('size=2m');
    const path = join(await tempDir('signet-sdk-'), 'data.bin');
    await writeFile(path, randomBytes(64 * 1024));
    await disk.fill();
    const { result, error } = await runSdk(server, 'upload', path, { resource_type: 'raw' });
    expect(result).toBeUndefined();
    expect(error).toMatchObject({ http_code: 500 });
    expect(error?.message).toMatch(/out of (storage )?space/i);
    await expectNothingStored(server);
    await disk.free();
    expect((await runSdk(server, 'upload', path, { resource_type: 'raw' })).error).toBeUndefined();
  });

  test('chunk data → STORAGE_FULL; the session keeps what it had and resumes once space is back', async () => {
    const { disk, server } = await fullServer('size=2m');
    const whole = randomBytes(256 * 1024);
    const fields = signed(server, { public_id: 'chunked' });
    const send = (range: string, bytes: Uint8Array) =>
      postUpload(
        server,
        fields,
        { data: bytes, name: 'big.bin' },
        { headers: { 'X-Unique-Upload-Id': 'full-disk-1', 'Content-Range': range } },
      );
    const half = whole.length / 2;
    expect((await send(`bytes 0-${half - 1}/${whole.length}`, whole.subarray(0, half))).status).toBe(200);
    await disk.fill();
    const refused = await send(`bytes ${half}-${whole.length - 1}/${whole.length}`, whole.subarray(half));
    await expectStorageFull(server, refused, /ENOSPC.*write/);
    expect(await sessionDataBytes(server)).toBe(half);
    expect((await dataState(server)).rows).toEqual([]);

    await disk.free();
    const last = await send(`bytes ${half}-${whole.length - 1}/${whole.length}`, whole.subarray(half));
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({ public_id: 'chunked', bytes: whole.length, etag: md5(whole) });
  });

  test('a new chunk session (no inode left for its folder) → STORAGE_FULL, no session kept', async () => {
    const { disk, server } = await fullServer('size=4m,nr_inodes=64');
    await disk.useInodes(0);
    const whole = randomBytes(64 * 1024);
    const fields = signed(server, { public_id: 'session' });
    const send = (range: string, bytes: Uint8Array) =>
      postUpload(
        server,
        fields,
        { data: bytes, name: 'big.bin' },
        { headers: { 'X-Unique-Upload-Id': 'full-disk-2', 'Content-Range': range } },
      );
    const half = whole.length / 2;
    const refused = await send(`bytes 0-${half - 1}/${whole.length}`, whole.subarray(0, half));
    await expectStorageFull(server, refused, /ENOSPC.*mkdir/);
    await expectNothingStored(server);
    expect(await readdir(join(server.dataDir, 'tmp', 'chunks'))).toEqual([]);

    await disk.free();
    expect((await send(`bytes 0-${half - 1}/${whole.length}`, whole.subarray(0, half))).status).toBe(200);
    const last = await send(`bytes ${half}-${whole.length - 1}/${whole.length}`, whole.subarray(half));
    expect(last.body).toMatchObject({ public_id: 'session', bytes: whole.length, etag: md5(whole) });
  });

  test('the publish into the disk store (no inode left for its folder) → STORAGE_FULL, temp freed', async () => {
    const { disk, server } = await fullServer('size=4m,nr_inodes=64');
    // One inode: the temp file gets it, the store's shard folder finds none.
    await disk.useInodes(1);
    const data = randomBytes(16 * 1024);
    await expectStorageFull(server, await upload(server, data, { public_id: 'published' }), /ENOSPC.*mkdir/);
    await expectNothingStored(server);

    await disk.free();
    const again = await upload(server, data, { public_id: 'published' });
    expect(again.status).toBe(200);
    expect((await dataState(server)).storeKeys).toHaveLength(1);
  });

  test('the SQLite catalogue (its write-ahead log cannot grow) → STORAGE_FULL, the stored bytes removed', async () => {
    const { disk, server } = await fullServer('size=2m');
    // One page: the upload's temp file takes it, and then the catalogue has nowhere to write.
    await disk.fill(PAGE);
    const data = randomBytes(1000);
    const refused = await upload(server, data, { public_id: 'catalogued' });
    await expectStorageFull(server, refused, /database or disk is full/);
    await expectNothingStored(server);

    await disk.free();
    expect((await upload(server, data, { public_id: 'catalogued' })).status).toBe(200);
  });

  test('a page API route that writes only to SQLite (/api/sign) → 507 STORAGE_FULL', async () => {
    const { disk, server } = await fullServer('size=2m');
    await disk.fill();
    const sign = () =>
      fetch(`${server.url}/api/sign`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.credentials.demo_token}` },
        body: JSON.stringify({ timestamp: Math.floor(Date.now() / 1000), public_id: 'x' }),
      });
    const refused = await sign();
    const body = (await refused.json()) as Record<string, unknown>;
    await expectStorageFull(
      server,
      { status: refused.status, headers: refused.headers, body },
      /database or disk is full/,
      507,
    );
    await disk.free();
    expect((await sign()).status).toBe(200);
  });
});
