// The media library's page API (issue 16): search by public ID, name and tag ignoring case, sorting, folder counts
// that agree with what a folder lists under the same filters, and the actions a person takes in the page — delete
// (for whoever may contribute to the asset's folders), approve and reject (admins) — with what each refuses.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { DeepPartial, ServerConfig, SignetServer } from '../src/index.js';
import { makePng } from './fixtures/png.js';
import { dataState, expectError, type JsonResponse, signedUpload, startTestServer } from './helpers.js';

const ANN = 'ann-token-0123456789ab';
const BOB = 'bob-token-0123456789abc';
const users: DeepPartial<ServerConfig>['users'] = {
  [ANN]: { id: 'ann', role: 'admin' },
  [BOB]: {
    id: 'bob',
    role: 'contributor',
    grants: [
      { folder: 'trip', access: 'can_contribute' },
      { folder: 'shared', access: 'can_view' },
    ],
  },
};

/** public ID, display name, tags, pixel width (so sizes differ); uploaded in this order. */
const ASSETS: [string, string, string, number][] = [
  ['trip/beach', 'Beach at noon', 'Sunny,sea', 40],
  ['trip/day-1/hike', 'Hike', 'sunny', 10],
  ['trip/day-1/lake', 'Lake', 'water', 30],
  ['shared/logo', 'Logo', 'brand', 20],
  ['private/secret', 'Secret beach', 'SUNNY', 50],
];

async function library(config: DeepPartial<ServerConfig> = {}): Promise<SignetServer> {
  const server = await startTestServer({
    config: { users, presets: { review: { moderation: 'manual' } }, ...config },
  });
  for (const [publicId, displayName, tags, width] of ASSETS) {
    const answer = await signedUpload(
      server,
      {
        public_id: publicId,
        display_name: displayName,
        tags,
        ...(publicId === 'trip/day-1/lake' ? { upload_preset: 'review' } : {}),
      },
      { data: makePng(width, 10), name: 'x.png' },
    );
    expect(answer.status).toBe(200);
  }
  return server;
}

async function call(server: SignetServer, method: string, path: string, token: string): Promise<JsonResponse> {
  const response = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

type Listed = { public_id: string; status: string; delivered: boolean; allowed_actions: string[] };
const listed = async (server: SignetServer, query: string, token = ANN): Promise<Listed[]> =>
  (await call(server, 'GET', `/api/assets?${query}`, token)).body.resources as Listed[];
const ids = async (server: SignetServer, query: string, token = ANN): Promise<string[]> =>
  (await listed(server, query, token)).map((asset) => asset.public_id);

describe('GET /api/assets for the library', () => {
  test('q finds public IDs and display names ignoring case; tag_any_case finds a tag in any case', async () => {
    const server = await library();
    expect(await ids(server, 'q=BEACH&sort=name')).toEqual(['private/secret', 'trip/beach']);
    expect(await ids(server, 'q=day-1&sort=name')).toEqual(['trip/day-1/hike', 'trip/day-1/lake']);
    expect(await ids(server, 'tag_any_case=sunny&sort=name')).toEqual([
      'private/secret',
      'trip/beach',
      'trip/day-1/hike',
    ]);
    expect(await ids(server, 'tag=sunny')).toEqual(['trip/day-1/hike']);
    expect(await ids(server, 'tag_any_case=Sunny&q=beach&folder=trip&recursive=1')).toEqual(['trip/beach']);
    // A contributor searches only what it may view.
    expect(await ids(server, 'q=beach', BOB)).toEqual(['trip/beach']);
    expectError(await call(server, 'GET', '/api/assets?q=a%0Ab', ANN), 400, 'PARAM_INVALID');
    expectError(await call(server, 'GET', '/api/assets?tag_any_case=a,b', ANN), 400, 'TAG_INVALID');
  });

  test('sorts by name either way, by size either way, oldest first, page by page', async () => {
    const server = await library();
    const all = async (sort: string): Promise<string[]> => {
      const found: string[] = [];
      let cursor = '';
      do {
        const page = await call(
          server,
          'GET',
          `/api/assets?limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`,
          ANN,
        );
        found.push(...(page.body.resources as Listed[]).map((asset) => asset.public_id));
        cursor = (page.body.next_cursor as string | undefined) ?? '';
      } while (cursor);
      return found;
    };
    expect(await all('name')).toEqual([
      'private/secret',
      'shared/logo',
      'trip/beach',
      'trip/day-1/hike',
      'trip/day-1/lake',
    ]);
    expect(await all('name_desc')).toEqual([
      'trip/day-1/lake',
      'trip/day-1/hike',
      'trip/beach',
      'shared/logo',
      'private/secret',
    ]);
    expect((await all('largest'))[0]).toBe('private/secret');
    expect((await all('smallest'))[0]).toBe('trip/day-1/hike');
    expect(await all('oldest')).toEqual(ASSETS.map(([id]) => id));
    expectError(await call(server, 'GET', '/api/assets?sort=random', ANN), 400, 'PARAM_INVALID');
  });

  test('says what is delivered and what the caller may do; status filters within what it may see', async () => {
    const server = await library({ assets: { deliverPending: false } });
    const byId = (assets: Listed[]) => Object.fromEntries(assets.map((asset) => [asset.public_id, asset]));
    const ann = byId(await listed(server, ''));
    expect(ann['trip/day-1/lake']).toMatchObject({
      status: 'pending',
      delivered: false,
      allowed_actions: ['delete', 'approve', 'reject'],
    });
    expect(ann['trip/beach']).toMatchObject({
      status: 'active',
      delivered: true,
      allowed_actions: ['delete', 'reject'],
    });
    const bob = byId(await listed(server, '', BOB));
    expect(Object.keys(bob).sort()).toEqual(['shared/logo', 'trip/beach', 'trip/day-1/hike']);
    expect(bob['trip/beach']?.allowed_actions).toEqual(['delete']);
    expect(bob['shared/logo']?.allowed_actions).toEqual([]);
    expect(await ids(server, 'status=pending')).toEqual(['trip/day-1/lake']);
    expect(await ids(server, 'status=pending', BOB)).toEqual([]);
  });
});

describe('GET /api/folders counts what a folder shows', () => {
  test('total_count equals the recursive listing of that folder, under the same filters', async () => {
    const server = await library();
    for (const filter of ['', 'q=beach', 'tag_any_case=SUNNY', 'status=pending']) {
      const { body } = await call(server, 'GET', `/api/folders?${filter}`, ANN);
      const nodes: { path: string; total_count: number; asset_count: number; children: unknown[] }[] = [];
      const walk = (list: typeof nodes) => {
        for (const node of list) {
          nodes.push(node);
          walk(node.children as typeof nodes);
        }
      };
      walk(body.folders as typeof nodes);
      for (const node of nodes) {
        expect((await ids(server, `${filter}&folder=${node.path}&recursive=1&limit=500`)).length).toBe(
          node.total_count,
        );
        expect((await ids(server, `${filter}&folder=${node.path}&limit=500`)).length).toBe(node.asset_count);
      }
      expect((await ids(server, `${filter}&limit=500`)).length).toBe(body.total_count);
    }
    const trip = (await call(server, 'GET', '/api/folders?tag_any_case=sunny', ANN)).body.folders as {
      path: string;
      total_count: number;
    }[];
    expect(trip.map((node) => [node.path, node.total_count])).toEqual([
      ['private', 1],
      ['trip', 2],
    ]);
  });
});

describe('POST /api/assets/…/delete | approve | reject', () => {
  test('a contributor deletes inside its folders (record and bytes); elsewhere 403, unseen 404, anonymous 401', async () => {
    const server = await library();
    const before = (await dataState(server)).storeKeys.length;
    expect(await call(server, 'POST', '/api/assets/image/trip/day-1/hike/delete', BOB)).toMatchObject({
      status: 200,
      body: { result: 'ok' },
    });
    const after = await dataState(server);
    expect(after.rows.map((row) => row.publicId)).not.toContain('trip/day-1/hike');
    expect(after.storeKeys).toHaveLength(before - 1);
    expectError(await call(server, 'POST', '/api/assets/image/shared/logo/delete', BOB), 403, 'FORBIDDEN_FOLDER');
    expectError(await call(server, 'POST', '/api/assets/image/private/secret/delete', BOB), 404, 'NOT_FOUND');
    const anonymous = await fetch(`${server.url}/api/assets/image/trip/beach/delete`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expectError(await call(server, 'POST', '/api/assets/image/trip/gone/delete', ANN), 404, 'NOT_FOUND');
    expect((await dataState(server)).rows).toHaveLength(ASSETS.length - 1);
  });

  test('admins approve and reject: rejected assets stop being delivered; contributors may not moderate', async () => {
    const server = await library();
    expectError(await call(server, 'POST', '/api/assets/image/trip/beach/reject', BOB), 403, 'FORBIDDEN_FOLDER');
    const rejected = await call(server, 'POST', '/api/assets/image/trip/beach/reject', ANN);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      delivered: false,
      allowed_actions: ['delete', 'approve'],
    });
    expect((await fetch(rejected.body.secure_url as string)).status).toBe(404);
    const approved = await call(server, 'POST', '/api/assets/image/trip/beach/approve', ANN);
    expect(approved.body).toMatchObject({ status: 'approved', delivered: true });
    expect((await fetch(approved.body.secure_url as string)).status).toBe(200);
  });

  test('a cookie without this page’s Origin is refused (403 CSRF_FAILED) and changes nothing', async () => {
    const server = await startTestServer();
    await signedUpload(server, { public_id: 'x' }, { data: makePng(3, 3), name: 'x.png' });
    const token = JSON.parse(await readFile(join(server.dataDir, 'credentials.json'), 'utf8')).demo_token as string;
    const forged = await fetch(`${server.url}/api/assets/image/x/delete`, {
      method: 'POST',
      headers: { Cookie: `signet_token=${token}`, Origin: 'https://evil.example' },
    });
    expect(forged.status).toBe(403);
    expect((await dataState(server)).rows).toHaveLength(1);
    const same = await fetch(`${server.url}/api/assets/image/x/delete`, {
      method: 'POST',
      headers: { Cookie: `signet_token=${token}`, Origin: server.url },
    });
    expect(same.status).toBe(200);
    expect((await dataState(server)).rows).toHaveLength(0);
  });
});
