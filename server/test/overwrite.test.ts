// Overwrite, with the official SDK as the client: off returns the existing asset untouched; on replaces it with a
// higher version and clears tags and context unless the server retains them or the upload sends new ones.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { SignetServer } from '../src/index.js';
import { makePng } from './fixtures/png.js';
import { dataState, nowSeconds, runSdk, signedUpload, startTestServer, tempDir } from './helpers.js';

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const first = makePng(30, 20);
const second = makePng(12, 12);

async function fileWith(data: Uint8Array, name: string): Promise<string> {
  const path = join(await tempDir('signet-sdk-'), name);
  await writeFile(path, data);
  return path;
}

async function storedBytes(server: SignetServer, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await server.store.open(key)) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Uploads `first` with tags and context, then `second` to the same public ID with `options`. */
async function uploadTwice(server: SignetServer, options: Record<string, unknown>) {
  const original = await runSdk(server, 'upload', await fileWith(first, 'first.png'), {
    public_id: 'shared/logo',
    tags: ['old', 'brand'],
    context: { alt: 'Old logo', owner: 'design' },
  });
  expect(original.error).toBeUndefined();
  // A timestamp of its own: the SDK signs equal parameters in one second identically (a replay to this server).
  const again = await runSdk(server, 'upload', await fileWith(second, 'second.png'), {
    public_id: 'shared/logo',
    timestamp: nowSeconds() - 30,
    ...options,
  });
  expect(again.error).toBeUndefined();
  expect(again.verified).toBe(true);
  const state = await dataState(server);
  expect(state.rows).toHaveLength(1);
  expect(state.storeKeys).toHaveLength(1);
  expect(state.tmpFiles).toEqual([]);
  return {
    before: original.result as Record<string, unknown>,
    after: again.result as Record<string, unknown>,
    row: state.rows[0],
    bytes: await storedBytes(server, state.storeKeys[0] as string),
  };
}

describe('overwrite', () => {
  test('off (the default): the existing asset comes back with existing: true; bytes, tags and context untouched', async () => {
    const server = await startTestServer();
    const { before, after, row, bytes } = await uploadTwice(server, { tags: ['new'] });
    expect(after).toMatchObject({ existing: true, version: before.version, etag: md5(first), tags: ['old', 'brand'] });
    expect(row).toMatchObject({ tags: ['old', 'brand'], context: { alt: 'Old logo', owner: 'design' } });
    expect(bytes).toEqual(first);
  });

  test('on: replaced, version strictly greater, asset ID kept, tags and context cleared', async () => {
    const server = await startTestServer();
    const { before, after, row, bytes } = await uploadTwice(server, { overwrite: true });
    expect(after).not.toHaveProperty('existing');
    expect(after).toMatchObject({ asset_id: before.asset_id, etag: md5(second), width: 12, tags: [] });
    expect(after).not.toHaveProperty('context');
    expect(after.version as number).toBeGreaterThan(before.version as number);
    expect(row).toMatchObject({ tags: [], context: {} });
    expect(bytes).toEqual(second);
  });

  test('on, with new values: those replace the old ones', async () => {
    const server = await startTestServer();
    const { after, row } = await uploadTwice(server, { overwrite: true, tags: ['new'], context: { alt: 'New' } });
    expect(after).toMatchObject({ tags: ['new'], context: { custom: { alt: 'New' } } });
    expect(row).toMatchObject({ tags: ['new'], context: { alt: 'New' } });
  });
});

describe('retainOnOverwrite', () => {
  test('keeps the old tags and context when the upload sends none', async () => {
    const server = await startTestServer({ config: { assets: { retainOnOverwrite: true } } });
    const { before, after, row, bytes } = await uploadTwice(server, { overwrite: true });
    expect(after.version as number).toBeGreaterThan(before.version as number);
    expect(after).toMatchObject({
      tags: ['old', 'brand'],
      context: { custom: { alt: 'Old logo', owner: 'design' } },
      etag: md5(second),
    });
    expect(row).toMatchObject({ tags: ['old', 'brand'], context: { alt: 'Old logo', owner: 'design' } });
    expect(bytes).toEqual(second);
  });

  test('replaces only what the upload sends: new tags, old context kept', async () => {
    const server = await startTestServer({ config: { assets: { retainOnOverwrite: true } } });
    const { after } = await uploadTwice(server, { overwrite: true, tags: ['new'] });
    expect(after).toMatchObject({ tags: ['new'], context: { custom: { alt: 'Old logo', owner: 'design' } } });
  });

  test('a preset’s tags still apply on top of the retained ones', async () => {
    const server = await startTestServer({
      config: { assets: { retainOnOverwrite: true }, presets: { site: { tags: ['site'] } }, defaultPreset: 'site' },
    });
    const { after } = await uploadTwice(server, { overwrite: true });
    expect(after.tags).toEqual(['site', 'old', 'brand']);
  });
});

describe('two concurrent uploads to one public ID', () => {
  test('never mix bytes, with overwrite on (20 rounds): one row, one object, equal to one input', async () => {
    const server = await startTestServer();
    const start = nowSeconds();
    for (let round = 0; round < 20; round++) {
      const inputs = [makePng(8 + round, 9), makePng(40 + round, 9)];
      const publicId = `race/${round}`;
      const responses = await Promise.all(
        inputs.map((data, i) =>
          signedUpload(
            server,
            { public_id: publicId, overwrite: 'true', timestamp: start - i },
            { data, name: `${i}.png` },
          ),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual([200, 200]);
      const rows = (await dataState(server)).rows.filter((row) => row.publicId === publicId);
      expect(rows).toHaveLength(1);
      const stored = await storedBytes(server, rows[0]?.storageKey as string);
      expect(inputs.filter((input) => input.equals(stored))).toHaveLength(1);
      expect(rows[0]?.etag).toBe(md5(stored));
    }
    const state = await dataState(server);
    // Every replaced object was deleted: one object per public ID, no temp files.
    expect(state.storeKeys).toHaveLength(20);
    expect(state.storeKeys).toEqual(state.rows.map((row) => row.storageKey).sort());
    expect(state.tmpFiles).toEqual([]);
  });

  test('never mix bytes, with overwrite off (20 rounds): one publishes, the other gets it back as existing', async () => {
    const server = await startTestServer();
    const start = nowSeconds();
    for (let round = 0; round < 20; round++) {
      const inputs = [makePng(8 + round, 7), makePng(40 + round, 7)];
      const publicId = `calm/${round}`;
      const responses = await Promise.all(
        inputs.map((data, i) =>
          signedUpload(server, { public_id: publicId, timestamp: start - i }, { data, name: `${i}.png` }),
        ),
      );
      expect(responses.filter((response) => response.body.existing === true)).toHaveLength(1);
      const rows = (await dataState(server)).rows.filter((row) => row.publicId === publicId);
      expect(rows).toHaveLength(1);
      const stored = await storedBytes(server, rows[0]?.storageKey as string);
      expect(inputs.filter((input) => input.equals(stored))).toHaveLength(1);
      expect(responses.every((response) => response.body.etag === md5(stored))).toBe(true);
    }
    expect((await dataState(server)).storeKeys).toHaveLength(20);
  });
});
