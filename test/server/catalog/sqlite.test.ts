import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { SqliteCatalog } from '../../../src/server/catalog/sqlite.js';
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
    ]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
