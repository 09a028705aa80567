// Folders are real: GET /api/folders (the tree the caller may view, with counts) and GET /api/assets with folder,
// tag and paging filters, per user; the tree builder itself as a pure function.
import { describe, expect, test } from 'vitest';
import { folderTree } from '../src/auth/folder-tree.js';
import type { DeepPartial, ServerConfig, SignetServer } from '../src/index.js';
import { makePng } from './fixtures/png.js';
import { expectError, signedUpload, startTestServer } from './helpers.js';

const ANN = 'ann-token-0123456789ab';
const BOB = 'bob-token-0123456789abc';
const CAROL = 'carol-token-0123456789a';

const users: DeepPartial<ServerConfig>['users'] = {
  [ANN]: { id: 'ann', role: 'admin' },
  [BOB]: {
    id: 'bob',
    role: 'contributor',
    grants: [
      { folder: 'users/42', access: 'can_contribute' },
      { folder: 'team', access: 'can_view' },
    ],
  },
  [CAROL]: { id: 'carol', role: 'contributor' },
};

/** public ID → tags; uploaded oldest first. */
const ASSETS: [publicId: string, tags: string][] = [
  ['top', 'sun'],
  ['users/42/a', 'sun'],
  ['users/42/b', ''],
  ['users/42/sub/c', 'sea'],
  ['users/420/d', 'sun'],
  ['team/e', 'sea'],
  ['team/bob/f', 'sun,sea'],
  ['other/g', 'sun'],
  ['users/42/sub/hidden/rejected', 'sun'],
];

async function library(config: DeepPartial<ServerConfig> = { users }): Promise<SignetServer> {
  const server = await startTestServer({ config });
  for (const [publicId, tags] of ASSETS) {
    const response = await signedUpload(
      server,
      { public_id: publicId, ...(tags ? { tags } : {}) },
      { data: makePng(3, 3), name: 'x.png' },
    );
    expect(response.status).toBe(200);
  }
  const rejected = { cloud: server.credentials.cloud_name, resourceType: 'image' as const };
  await server.catalog.assets.setStatus({ ...rejected, publicId: 'users/42/sub/hidden/rejected' }, 'rejected');
  return server;
}

async function get(server: SignetServer, path: string, token?: string) {
  const response = await fetch(`${server.url}${path}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface Node {
  name: string;
  path: string;
  asset_count: number;
  total_count: number;
  children: Node[];
}

/** The tree as `path (direct/total)` lines, depth by indentation. */
function outline(nodes: Node[], depth = 0): string[] {
  return nodes.flatMap((node) => [
    `${'  '.repeat(depth)}${node.path} (${node.asset_count}/${node.total_count})`,
    ...outline(node.children, depth + 1),
  ]);
}

async function ids(server: SignetServer, query: string, token?: string): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await get(server, `/api/assets?limit=2&${query}${cursor ? `&cursor=${cursor}` : ''}`, token);
    expect(page.status).toBe(200);
    found.push(...(page.body.resources as { public_id: string }[]).map((asset) => asset.public_id));
    cursor = page.body.next_cursor as string | undefined;
  } while (cursor);
  return found.sort();
}

describe('GET /api/folders', () => {
  test('an admin sees every folder that holds an asset, with direct and subtree counts (rejected ones too)', async () => {
    const server = await library();
    const { status, body } = await get(server, '/api/folders', ANN);
    expect(status).toBe(200);
    expect(outline(body.folders as Node[])).toEqual([
      'other (1/1)',
      'team (1/2)',
      '  team/bob (1/1)',
      'users (0/5)',
      '  users/42 (2/4)',
      '    users/42/sub (1/2)',
      '      users/42/sub/hidden (1/1)',
      '  users/420 (1/1)',
    ]);
    expect(body.total_count).toBe(ASSETS.length);
    expect((body.folders as Node[])[1]).toMatchObject({ name: 'team', path: 'team' });
  });

  test('a contributor sees only the folders of its grants (and their ancestors), delivered assets only', async () => {
    const server = await library();
    const { body } = await get(server, '/api/folders', BOB);
    // users/420 shares a prefix but not a segment; the folder holding only a rejected asset does not exist for Bob.
    expect(outline(body.folders as Node[])).toEqual([
      'team (1/2)',
      '  team/bob (1/1)',
      'users (0/3)',
      '  users/42 (2/3)',
      '    users/42/sub (1/1)',
    ]);
    expect(body.total_count).toBe(5);
  });

  test('a contributor without grants sees an empty tree; without a user → 401 unless public listing is on', async () => {
    const server = await library();
    expect((await get(server, '/api/folders', CAROL)).body).toEqual({ folders: [], total_count: 0 });
    expectError({ ...(await get(server, '/api/folders')), headers: new Headers() }, 401, 'UNAUTHENTICATED');

    const open = await library({ users, assets: { publicListing: true } });
    const { body } = await get(open, '/api/folders');
    const lines = outline(body.folders as Node[]).map((line) => line.trim());
    expect(lines).toContain('users/420 (1/1)');
    expect(lines.some((line) => line.startsWith('users/42/sub/hidden'))).toBe(false);
  });

  test('in demo mode (no users configured) anyone may list, as the demo pages do', async () => {
    const server = await library({});
    const { status, body } = await get(server, '/api/folders');
    expect(status).toBe(200);
    expect(body.total_count).toBe(ASSETS.length - 1);
  });
});

describe('GET /api/assets: folder, tag, paging, per user', () => {
  test('folder is one folder exactly; recursive=1 adds everything below it, by whole segments', async () => {
    const server = await library();
    expect(await ids(server, 'folder=users/42', ANN)).toEqual(['users/42/a', 'users/42/b']);
    expect(await ids(server, 'folder=users/42&recursive=1', ANN)).toEqual([
      'users/42/a',
      'users/42/b',
      'users/42/sub/c',
      'users/42/sub/hidden/rejected',
    ]);
    expect(await ids(server, 'folder=users', ANN)).toEqual([]);
    expect(await ids(server, 'folder=users&recursive=true', ANN)).toHaveLength(5);
    expect(await ids(server, '', ANN)).toHaveLength(ASSETS.length);
  });

  test('a contributor lists only what it may view, whatever it asks for', async () => {
    const server = await library();
    expect(await ids(server, '', BOB)).toEqual(['team/bob/f', 'team/e', 'users/42/a', 'users/42/b', 'users/42/sub/c']);
    expect(await ids(server, 'folder=users/42&recursive=1', BOB)).toEqual([
      'users/42/a',
      'users/42/b',
      'users/42/sub/c',
    ]);
    expect(await ids(server, 'folder=users/420', BOB)).toEqual([]);
    expect(await ids(server, 'folder=other', BOB)).toEqual([]);
    expect(await ids(server, 'folder=users&recursive=1', BOB)).toEqual(['users/42/a', 'users/42/b', 'users/42/sub/c']);
    expect(await ids(server, '', CAROL)).toEqual([]);
  });

  test('tag is one tag exactly, combined with the folder and the caller', async () => {
    const server = await library();
    expect(await ids(server, 'tag=sun', ANN)).toEqual([
      'other/g',
      'team/bob/f',
      'top',
      'users/42/a',
      'users/42/sub/hidden/rejected',
      'users/420/d',
    ]);
    expect(await ids(server, 'tag=sun', BOB)).toEqual(['team/bob/f', 'users/42/a']);
    expect(await ids(server, 'tag=sea&folder=team&recursive=1', BOB)).toEqual(['team/bob/f', 'team/e']);
    expect(await ids(server, 'tag=Sun', ANN)).toEqual([]);
  });

  test('pages newest first, and each listed asset carries its folder, status and folder-path delivery URL', async () => {
    const server = await library();
    const first = await get(server, '/api/assets?limit=2&folder=users/42&recursive=1', ANN);
    const page = first.body.resources as { public_id: string; folder: string; status: string; secure_url: string }[];
    expect(page.map((asset) => asset.public_id)).toEqual(['users/42/sub/hidden/rejected', 'users/42/sub/c']);
    expect(page[0]).toMatchObject({ folder: 'users/42/sub/hidden', status: 'rejected' });
    expect(page[1]?.secure_url).toMatch(/\/image\/upload\/v\d+\/users\/42\/sub\/c\.png$/);
    const second = await get(
      server,
      `/api/assets?limit=2&folder=users/42&recursive=1&cursor=${first.body.next_cursor}`,
      ANN,
    );
    expect((second.body.resources as { public_id: string }[]).map((asset) => asset.public_id)).toEqual([
      'users/42/b',
      'users/42/a',
    ]);
    expect(second.body.next_cursor).toBeUndefined();
  });

  test('refuses a malformed folder (400 FOLDER_INVALID), tag (400 TAG_INVALID) or flag (400 PARAM_INVALID)', async () => {
    const server = await library();
    const cases: [query: string, code: string][] = [
      ['folder=users//42', 'FOLDER_INVALID'],
      ['folder=users/42/', 'FOLDER_INVALID'],
      ['folder=users/42/../420', 'FOLDER_INVALID'],
      ['folder=users%252F42', 'FOLDER_INVALID'],
      ['tag=a,b', 'TAG_INVALID'],
      ['recursive=yes', 'PARAM_INVALID'],
      ['limit=many', 'PARAM_INVALID'],
    ];
    for (const [query, code] of cases)
      expectError({ ...(await get(server, `/api/assets?${query}`, ANN)), headers: new Headers() }, 400, code);
  });

  test('without a user → 401 UNAUTHENTICATED, unless public listing is on (delivered assets only)', async () => {
    const server = await library();
    expectError({ ...(await get(server, '/api/assets')), headers: new Headers() }, 401, 'UNAUTHENTICATED');
    const open = await library({ users, assets: { publicListing: true } });
    expect(await ids(open, '')).toHaveLength(ASSETS.length - 1);
    const closed = await library({ assets: { publicListing: false } });
    expectError({ ...(await get(closed, '/api/assets')), headers: new Headers() }, 401, 'UNAUTHENTICATED');
  });
});

describe('folderTree (pure)', () => {
  test('builds ancestors, sums subtree counts, sorts by name, ignores the top level and empty counts', () => {
    expect(
      outline(
        folderTree([
          { folder: '', count: 4 },
          { folder: 'b/y', count: 2 },
          { folder: 'a', count: 1 },
          { folder: 'b/x/deep', count: 3 },
          { folder: 'c', count: 0 },
        ]) as Node[],
      ),
    ).toEqual(['a (1/1)', 'b (0/5)', '  b/x (0/3)', '    b/x/deep (3/3)', '  b/y (2/2)']);
    expect(folderTree([])).toEqual([]);
  });

  test('names are the last segment, paths the whole folder', () => {
    expect(folderTree([{ folder: 'trip/day-1', count: 1 }])).toEqual([
      {
        name: 'trip',
        path: 'trip',
        asset_count: 0,
        total_count: 1,
        children: [{ name: 'day-1', path: 'trip/day-1', asset_count: 1, total_count: 1, children: [] }],
      },
    ]);
  });
});
