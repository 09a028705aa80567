import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { SqliteCatalog } from '../../src/catalog/sqlite.js';
import { tempDir } from '../helpers.js';
import { describeCatalogContract, sampleRecord } from './catalog-contract.js';

describeCatalogContract(
  'sqlite (file)',
  async () => new SqliteCatalog(join(await tempDir('signet-sqlite-'), 'catalog.sqlite')),
);
describeCatalogContract('sqlite (memory)', async () => new SqliteCatalog(':memory:'));

describe('SqliteCatalog', () => {
  test('runs its migrations once, records them, and keeps data across reopening', async () => {
    const file = join(await tempDir('signet-sqlite-'), 'catalog.sqlite');
    const first = new SqliteCatalog(file);
    const record = sampleRecord();
    await first.insert(record);
    await first.close();

    const second = new SqliteCatalog(file);
    expect(await second.get(record)).toEqual(record);
    await second.close();

    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT id, name FROM migrations').all()).toEqual([
      { id: 1, name: '001-assets' },
      { id: 2, name: '002-presets-moderation' },
      { id: 3, name: '003-folders-users' },
    ]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  test('migration 003 gives rows from before it the folder part of their public ID as their folder', async () => {
    const file = join(await tempDir('signet-sqlite-'), 'catalog.sqlite');
    const catalog = new SqliteCatalog(file);
    // Before, `folder` held only the folder parameter, not a folder inside the public ID.
    await catalog.insert(sampleRecord({ publicId: 'a/b/c', folder: 'a' }));
    await catalog.insert(sampleRecord({ publicId: 'top', folder: 'ignored' }));
    await catalog.close();
    const db = new Database(file);
    db.exec(`DROP TABLE users; DROP TABLE grants; DROP TABLE issued_signatures; DROP INDEX assets_folder;
      DELETE FROM migrations WHERE name = '003-folders-users';`);
    db.close();

    const migrated = new SqliteCatalog(file);
    const folders = async (publicId: string) =>
      (await migrated.get({ cloud: 'signet-test', resourceType: 'image', publicId }))?.folder;
    expect([await folders('a/b/c'), await folders('top')]).toEqual(['a/b', '']);
    await migrated.close();
  });
});
