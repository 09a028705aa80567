// The Admin API subset (issue 16) driven by the official Node SDK's `api.*`: HTTP Basic with the API key and secret,
// listings with Cloudinary's field names and paging, one asset, deletes by IDs, prefix and tag, presets, ping, usage.
import { describe, expect, test } from 'vitest';
import type { SignetServer } from '../src/index.js';
import { makePng } from './fixtures/png.js';
import { dataState, expectError, sdkCall, signedUpload, startTestServer } from './helpers.js';

async function upload(server: SignetServer, publicId: string, more: Record<string, string> = {}, seed = 1) {
  const answer = await signedUpload(
    server,
    { public_id: publicId, ...more },
    { data: makePng(4 + seed, 4), name: 'a.png' },
  );
  expect(answer.status).toBe(200);
  return answer.body;
}

const resources = (result: Record<string, unknown> | undefined): Record<string, unknown>[] =>
  (result?.resources ?? []) as Record<string, unknown>[];
const ids = (result: Record<string, unknown> | undefined): string[] =>
  ((result?.resources ?? []) as { public_id: string }[]).map((resource) => resource.public_id);

describe('Admin API authentication', () => {
  test('needs the API key and secret as HTTP Basic: a wrong secret, none, or a page token is 401', async () => {
    const server = await startTestServer();
    expect(await sdkCall(server, 'api.ping', [])).toEqual({ result: { status: 'ok' } });
    const wrong = await sdkCall(server, 'api.ping', [], { api_secret: 'not-it' });
    expect(wrong.error).toMatchObject({ http_code: 401, message: 'Invalid api_key or api_secret.' });
    const url = `${server.url}/v1_1/${server.credentials.cloud_name}/resources/image`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    const bearer = await fetch(url, { headers: { Authorization: `Bearer ${server.credentials.admin_token}` } });
    expect(bearer.status).toBe(401);
    const other = await sdkCall(server, 'api.ping', [], { cloud_name: 'someone-else' });
    expect(other.error).toMatchObject({ http_code: 404 });
  });
});

describe('api.resources and friends', () => {
  test('lists newest first with Cloudinary fields, by prefix and type, page by page with next_cursor', async () => {
    const server = await startTestServer();
    for (const [index, id] of ['trip/a', 'trip/b', 'trip_x/c', 'home/d'].entries())
      await upload(server, id, { tags: 'Sun', context: 'alt=x' }, index);
    await signedUpload(
      server,
      { public_id: 'trip/notes.txt' },
      { data: Buffer.from('hello'), name: 'n.txt' },
      {
        resourceType: 'raw',
      },
    );

    const first = await sdkCall(server, 'api.resources', [{ max_results: 2 }]);
    expect(ids(first.result)).toEqual(['home/d', 'trip_x/c']);
    const resource = resources(first.result)[0];
    expect(resource).toMatchObject({
      public_id: 'home/d',
      resource_type: 'image',
      type: 'upload',
      format: 'png',
      bytes: expect.any(Number),
      width: 7,
      height: 4,
      asset_folder: 'home',
      secure_url: expect.stringContaining('/image/upload/v'),
    });
    expect(resource).not.toHaveProperty('tags');
    const second = await sdkCall(server, 'api.resources', [{ max_results: 2, next_cursor: first.result?.next_cursor }]);
    expect(ids(second.result)).toEqual(['trip/b', 'trip/a']);
    expect(second.result?.next_cursor).toBeUndefined();

    const byPrefix = await sdkCall(server, 'api.resources', [
      { type: 'upload', prefix: 'trip/', tags: true, context: true },
    ]);
    expect(ids(byPrefix.result)).toEqual(['trip/b', 'trip/a']);
    expect(resources(byPrefix.result)[0]).toMatchObject({
      tags: ['Sun'],
      context: { custom: { alt: 'x' } },
    });
    const oldest = await sdkCall(server, 'api.resources', [{ direction: 'asc', max_results: 1 }]);
    expect(ids(oldest.result)).toEqual(['trip/a']);
    expect(ids((await sdkCall(server, 'api.resources', [{ resource_type: 'raw' }])).result)).toEqual([
      'trip/notes.txt',
    ]);
    expect(ids((await sdkCall(server, 'api.resources', [{ type: 'private' }])).result)).toEqual([]);
    const tooMany = await sdkCall(server, 'api.resources', [{ start_at: '2020-01-01' }]);
    expect(tooMany.error).toMatchObject({ http_code: 400 });
  });

  test('resources_by_tag (exact), resources_by_moderation, and one resource with everything about it', async () => {
    const server = await startTestServer({ config: { presets: { review: { moderation: 'manual' } } } });
    await upload(server, 'a/one', { tags: 'red,blue' });
    await upload(server, 'a/two', { tags: 'Red', upload_preset: 'review' }, 2);
    expect(ids((await sdkCall(server, 'api.resources_by_tag', ['red'])).result)).toEqual(['a/one']);
    const pending = await sdkCall(server, 'api.resources_by_moderation', ['manual', 'pending']);
    expect(pending.result?.resources).toEqual([
      expect.objectContaining({ public_id: 'a/two', moderation_status: 'pending' }),
    ]);

    const one = await sdkCall(server, 'api.resource', ['a/one']);
    expect(one.result).toMatchObject({
      public_id: 'a/one',
      tags: ['red', 'blue'],
      version_id: expect.any(String),
      original_filename: 'a',
      derived: [],
    });
    const missing = await sdkCall(server, 'api.resource', ['a/none']);
    expect(missing.error).toMatchObject({ http_code: 404, message: 'Resource not found - a/none' });
  });

  test('api.update approves or rejects and replaces tags; a rejected asset is no longer delivered', async () => {
    const server = await startTestServer({ config: { presets: { review: { moderation: 'manual' } } } });
    const asset = await upload(server, 'pic', { upload_preset: 'review' });
    const rejected = await sdkCall(server, 'api.update', ['pic', { moderation_status: 'rejected', tags: ['x'] }]);
    expect(rejected.result).toMatchObject({ moderation_status: 'rejected', tags: ['x'] });
    expect((await fetch(asset.secure_url as string)).status).toBe(404);
    const approved = await sdkCall(server, 'api.update', ['pic', { moderation_status: 'approved' }]);
    expect(approved.result).toMatchObject({ moderation_status: 'approved', tags: ['x'] });
    expect((await fetch(asset.secure_url as string)).status).toBe(200);
  });
});

describe('api.delete_resources…', () => {
  test('by public IDs (not_found for the others), by prefix, by tag; bytes go with the records', async () => {
    const server = await startTestServer();
    for (const [index, id] of ['k/a', 'k/b', 'p/a', 'p/b', 'pp/c', 't/x'].entries())
      await upload(server, id, { tags: id === 't/x' || id === 'k/b' ? 'gone' : 'kept' }, index);

    const byIds = await sdkCall(server, 'api.delete_resources', [['k/a', 'nope']]);
    expect(byIds.result).toMatchObject({
      deleted: { 'k/a': 'deleted', nope: 'not_found' },
      deleted_counts: { 'k/a': { original: 1, derived: 0 } },
      partial: false,
    });
    const byPrefix = await sdkCall(server, 'api.delete_resources_by_prefix', ['p/']);
    expect(byPrefix.result?.deleted).toEqual({ 'p/a': 'deleted', 'p/b': 'deleted' });
    const byTag = await sdkCall(server, 'api.delete_resources_by_tag', ['gone']);
    expect(byTag.result?.deleted).toEqual({ 't/x': 'deleted', 'k/b': 'deleted' });

    const state = await dataState(server);
    expect(state.rows.map((row) => row.publicId)).toEqual(['pp/c']);
    expect(state.storeKeys).toHaveLength(1);
  });

  test('more than 1,000 matches: partial with next_cursor, the next call goes on', async () => {
    const server = await startTestServer();
    // Records straight into the catalogue: the paging is what is under test, not 1,001 uploads.
    const base = (await upload(server, 'bulk/0000')) as { version: number };
    const [template] = (await dataState(server)).rows;
    for (let i = 1; i <= 1000; i++)
      await server.catalog.assets.insert({
        ...(template as NonNullable<typeof template>),
        publicId: `bulk/${String(i).padStart(4, '0')}`,
        assetId: `a${i}`,
        storageKey: `missing-object-${i}`,
        version: base.version,
      });
    const first = await sdkCall(server, 'api.delete_resources_by_prefix', ['bulk/']);
    expect(first.result).toMatchObject({ partial: true, next_cursor: expect.any(String) });
    expect(Object.keys(first.result?.deleted as object)).toHaveLength(1000);
    const rest = await sdkCall(server, 'api.delete_resources_by_prefix', [
      'bulk/',
      { next_cursor: first.result?.next_cursor },
    ]);
    expect(rest.result).toMatchObject({ partial: false, deleted: { 'bulk/0000': 'deleted' } });
    expect((await dataState(server)).rows).toEqual([]);
  });

  test('all=true deletes one resource type; asking for two ways at once is refused', async () => {
    const server = await startTestServer();
    await upload(server, 'x');
    await signedUpload(
      server,
      { public_id: 'r.txt' },
      { data: Buffer.from('hi'), name: 'r.txt' },
      {
        resourceType: 'raw',
      },
    );
    const all = await sdkCall(server, 'api.delete_all_resources', []);
    expect(all.result?.deleted).toEqual({ x: 'deleted' });
    const both = await fetch(`${server.url}/v1_1/${server.credentials.cloud_name}/resources/raw/upload`, {
      method: 'DELETE',
      headers: {
        Authorization: `Basic ${Buffer.from(`${server.credentials.api_key}:${server.credentials.api_secret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'prefix=r&all=true',
    });
    expectError({ status: both.status, headers: both.headers, body: await both.json() }, 400, 'PARAM_INVALID');
    expect((await dataState(server)).rows.map((row) => row.publicId)).toEqual(['r.txt']);
  });
});

describe('api upload presets', () => {
  test('create, read, list, update (merging), use, delete; the default preset stays', async () => {
    const server = await startTestServer({ config: { presets: { base: { folder: 'base' } }, defaultPreset: 'base' } });
    const created = await sdkCall(server, 'api.create_upload_preset', [
      {
        name: 'team',
        unsigned: true,
        folder: 'team',
        tags: ['a', 'b'],
        allowed_formats: 'png',
        return_delete_token: true,
      },
    ]);
    expect(created).toEqual({ result: { message: 'created', name: 'team' } });
    const again = await sdkCall(server, 'api.create_upload_preset', [{ name: 'team' }]);
    expect(again.error).toMatchObject({ http_code: 400, message: expect.stringContaining('already exists') });

    expect((await sdkCall(server, 'api.upload_preset', ['team'])).result).toEqual({
      name: 'team',
      unsigned: true,
      settings: { folder: 'team', tags: ['a', 'b'], allowed_formats: ['png'], return_delete_token: true },
    });
    await sdkCall(server, 'api.update_upload_preset', ['team', { moderation: 'manual', tags: 'c' }]);
    expect((await sdkCall(server, 'api.upload_preset', ['team'])).result?.settings).toEqual({
      folder: 'team',
      tags: ['c'],
      allowed_formats: ['png'],
      return_delete_token: true,
      moderation: 'manual',
    });
    const names = (await sdkCall(server, 'api.upload_presets', [])).result?.presets as { name: string }[];
    expect(names.map((preset) => preset.name)).toEqual(['base', 'team']);

    // Used at once by an unsigned upload: its folder, moderation and delete token.
    const form = new FormData();
    form.append('upload_preset', 'team');
    form.append('file', new Blob([new Uint8Array(makePng(3, 3))]), 'a.png');
    const used = await fetch(`${server.url}/v1_1/${server.credentials.cloud_name}/image/upload`, {
      method: 'POST',
      body: form,
    });
    expect(await used.json()).toMatchObject({
      public_id: expect.stringMatching(/^team\//),
      moderation: [{ status: 'pending' }],
      delete_token: expect.any(String),
    });

    const unknown = await sdkCall(server, 'api.create_upload_preset', [{ name: 'odd', eager: [{ width: 10 }] }]);
    expect(unknown.error).toMatchObject({ http_code: 400, message: expect.stringContaining('unknown settings') });
    expect(await sdkCall(server, 'api.delete_upload_preset', ['team'])).toEqual({ result: { message: 'deleted' } });
    expect((await sdkCall(server, 'api.upload_preset', ['team'])).error).toMatchObject({ http_code: 404 });
    expect((await sdkCall(server, 'api.delete_upload_preset', ['base'])).error).toMatchObject({ http_code: 400 });
  });
});

describe('api.usage', () => {
  test('counts assets and bytes, in all and per resource type', async () => {
    const server = await startTestServer();
    const a = await upload(server, 'a');
    const b = await upload(server, 'b', {}, 2);
    await signedUpload(
      server,
      { public_id: 'r.txt' },
      { data: Buffer.from('hello'), name: 'r.txt' },
      {
        resourceType: 'raw',
      },
    );
    const images = (a.bytes as number) + (b.bytes as number);
    expect((await sdkCall(server, 'api.usage', [])).result).toMatchObject({
      resources: 3,
      derived_resources: 0,
      objects: { usage: 3 },
      storage: { usage: images + 5 },
      resources_by_type: { image: { count: 2, bytes: images }, raw: { count: 1, bytes: 5 } },
      last_updated: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });
});
