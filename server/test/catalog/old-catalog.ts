// Upgrading a catalogue written by version 0.1 (fixtures/catalog-0.1.*.sql, dumped from what that version's code
// wrote): one suite, run on SQLite and PostgreSQL.
import { describe, expect, test } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import { sampleRecord } from './catalog-contract.js';

export const MIGRATIONS = [
  '001-assets',
  '002-presets-moderation',
  '003-folders-users',
  '004-ledger-counts-user-provenance',
  '005-asset-search',
  '006-chunk-sessions',
  '007-asset-coordinates',
];

async function expectVersion01Data(catalog: Catalog): Promise<void> {
  const photo = sampleRecord({
    publicId: 'albums/été/photo',
    folder: 'albums/été',
    assetFolder: 'albums/été',
    assetId: 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1',
    versionId: 'v1v1v1v1v1v1v1v1v1v1v1v1v1v1v1v1',
    etag: 'e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1',
    storageKey: 'image/upload/albums/été/photo.png',
  });
  const top = sampleRecord({
    publicId: 'top',
    folder: '',
    assetFolder: '',
    resourceType: 'raw',
    format: '',
    width: null,
    height: null,
    tags: [],
    context: {},
    status: 'pending',
    version: 1764230100,
    assetId: 'a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2',
    versionId: 'v2v2v2v2v2v2v2v2v2v2v2v2v2v2v2v2',
    etag: 'e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2',
    storageKey: 'raw/upload/top',
  });
  expect(await catalog.assets.get(photo)).toEqual(photo);
  expect(await catalog.assets.list({ cloud: 'signet-test', limit: 10 })).toEqual({ records: [top, photo] });
  expect((await catalog.assets.list({ cloud: 'signet-test', limit: 10, tag: 'sun ☀' })).records).toEqual([photo]);
  expect(await catalog.assets.listFolders({ cloud: 'signet-test', within: ['albums'] })).toEqual([
    { folder: 'albums/été', count: 1 },
  ]);
  // Published after them, listed before them.
  const fresh = sampleRecord({ publicId: 'fresh' });
  expect(await catalog.assets.insert(fresh)).toBe(true);
  const { record: replaced } = await catalog.assets.replace({ ...photo, etag: 'new' });
  expect((await catalog.assets.list({ cloud: 'signet-test', limit: 10 })).records.map((r) => r.publicId)).toEqual([
    'albums/été/photo',
    'fresh',
    'top',
  ]);
  expect(replaced.version).toBe(photo.version + 1);

  expect(await catalog.presets.list('signet-test')).toEqual([
    { name: 'avatars', unsigned: false, max_file_size: 10 },
    { name: 'ugc', unsigned: true, folder: 'ugc', tags: ['a'] },
  ]);
  expect(await catalog.users.list()).toEqual([
    { id: 'ann', role: 'admin', grants: [] },
    {
      id: 'bob',
      role: 'contributor',
      grants: [
        { folder: 'team', access: 'can_view' },
        { folder: 'users/42', access: 'can_contribute' },
      ],
    },
  ]);

  // Each record of 0.1 counts once: issued to two users, used once.
  expect(await catalog.signatures.issued('4567EF')).toEqual({
    count: 2,
    signers: [
      { id: 'ann', role: 'admin' },
      { id: 'bob', role: 'contributor' },
    ],
  });
  expect(await catalog.signatures.spend('0123abcd', 1, 4000000000)).toBe(false);
  expect(await catalog.signatures.spend('0123abcd', 2, 4000000000)).toBe(true);
  expect(await catalog.signatures.purge(4000000001)).toBe(3);
}

/** Turns a 0.1 catalogue into one from before its third migration: `folder` held only the folder parameter, no users. */
const BEFORE_MIGRATION_003 = `DROP TABLE grants; DROP TABLE users; DROP TABLE issued_signatures;
  DROP INDEX assets_folder; DELETE FROM migrations WHERE name = '003-folders-users';
  UPDATE assets SET folder = 'albums' WHERE public_id = 'albums/été/photo';
  UPDATE assets SET folder = 'ignored' WHERE public_id = 'top';`;

/** Migration 003 gave each asset the folder part of its public ID as its folder, and made the users' tables. */
async function expectMigrated003(catalog: Catalog): Promise<void> {
  const folder = async (resourceType: 'image' | 'raw', publicId: string) =>
    (await catalog.assets.get({ cloud: 'signet-test', resourceType, publicId }))?.folder;
  expect([await folder('image', 'albums/été/photo'), await folder('raw', 'top')]).toEqual(['albums/été', '']);
  expect(await catalog.users.list()).toEqual([]);
  expect(await catalog.users.put('bob', 'contributor')).toBe(true);
}

/** A catalogue as version 0.1 left it, in a new file or schema. */
export interface Version01Catalogue {
  /** Opens it with today's code (closed when the test ends). */
  open(): Promise<Catalog>;
  /** Runs SQL on it directly, as an operator would. */
  exec(sql: string): Promise<void>;
}

export function describeVersion01Upgrade(name: string, version01: () => Promise<Version01Catalogue>): void {
  describe(`a catalogue of version 0.1: ${name}`, () => {
    test('opens, and reads everything it held', async () => {
      await expectVersion01Data(await (await version01()).open());
    });

    test('from before its third migration, gets the folder part of each public ID as its folder', async () => {
      const old = await version01();
      await old.exec(BEFORE_MIGRATION_003);
      await expectMigrated003(await old.open());
    });

    test('a failed migration leaves nothing half done: once the obstacle is gone, all of them apply', async () => {
      const old = await version01();
      // In the way of 004, after 001–003 ran again (they change nothing on 0.1 but an index 002 adds to SQLite).
      await old.exec('CREATE TABLE config_users (x TEXT)');
      await expect(old.open()).rejects.toThrow();
      await old.exec('DROP TABLE config_users');
      // A half-applied 004 (a column added, say) would make this second run fail.
      await expectVersion01Data(await old.open());
    });
  });
}
