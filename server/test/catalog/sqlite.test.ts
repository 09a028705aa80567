import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, onTestFinished, test } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import { openCatalog } from '../../src/catalog/open.js';
import { tempDir } from '../helpers.js';
import { type CatalogFactory, describeCatalogContracts, sampleRecord } from './catalog-contract.js';
import { describeChunkSessionCatalogContract } from './chunk-session-contract.js';
import { describeVersion01Upgrade, MIGRATIONS } from './old-catalog.js';

async function open(file: string): Promise<Catalog> {
  const catalog = await openCatalog({ kind: 'sqlite', file });
  onTestFinished(() => catalog.close());
  return catalog;
}
const newFile = async (): Promise<string> => join(await tempDir('signet-sqlite-'), 'catalog.sqlite');

const sqlite: CatalogFactory = {
  fresh: async () => open(await newFile()),
  // One server per SQLite file: its concurrent requests share one connection, and that is the race to test.
  // (Two connections in one process would wait for each other synchronously: better-sqlite3 blocks the event loop.)
  async twins() {
    const catalog = await open(await newFile());
    return [catalog, catalog];
  },
};
describeCatalogContracts('sqlite', sqlite);
describeChunkSessionCatalogContract('sqlite', sqlite);

describeVersion01Upgrade('sqlite', async () => {
  const file = await newFile();
  const exec = async (sql: string) => {
    const db = new Database(file);
    db.exec(sql);
    db.close();
  };
  await exec(await readFile(new URL('./fixtures/catalog-0.1.sqlite.sql', import.meta.url), 'utf8'));
  return { open: () => open(file), exec };
});

describe('the SQLite catalogue', () => {
  test('runs its migrations once, records them, keeps data across reopening, and writes ahead (WAL)', async () => {
    const file = await newFile();
    const first = await openCatalog({ kind: 'sqlite', file });
    const record = sampleRecord();
    await first.assets.insert(record);
    await first.close();
    await first.close();

    const second = await open(file);
    expect(await second.assets.get(record)).toEqual(record);

    const db = new Database(file, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    expect(db.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all()).toEqual(MIGRATIONS);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});
