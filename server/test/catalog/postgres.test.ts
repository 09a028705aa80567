import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, describe, expect, onTestFinished, test } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import { type CatalogOptions, openCatalog } from '../../src/catalog/open.js';
import { dropTestSchemas, newSchemaName, testServices } from '../services-setup.js';
import { type CatalogFactory, describeCatalogContracts, sampleRecord } from './catalog-contract.js';
import { describeChunkSessionCatalogContract } from './chunk-session-contract.js';
import { describeVersion01Upgrade, MIGRATIONS } from './old-catalog.js';

const { pgUrl } = testServices();
afterAll(dropTestSchemas);

/** Every catalogue in its own schema of the shared test database, dropped at the end. */
async function open(schema: string): Promise<Catalog> {
  const catalog = await openCatalog({ kind: 'postgres', url: pgUrl, schema, max: 4 });
  onTestFinished(() => catalog.close());
  return catalog;
}

const postgres: CatalogFactory = {
  fresh: () => open(newSchemaName()),
  async twins() {
    const schema = newSchemaName();
    return [await open(schema), await open(schema)];
  },
};
describeCatalogContracts('postgres', postgres);
describeChunkSessionCatalogContract('postgres', postgres);

async function query<Row extends pg.QueryResultRow>(text: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return (await client.query<Row>(text)).rows;
  } finally {
    await client.end();
  }
}

describeVersion01Upgrade('postgres', async () => {
  const schema = newSchemaName();
  const dump = await readFile(new URL('./fixtures/catalog-0.1.postgres.sql', import.meta.url), 'utf8');
  await query(dump.replaceAll('{{schema}}', schema));
  return {
    open: () => open(schema),
    exec: async (sql) => {
      await query(`SET search_path = ${schema}; ${sql}`);
    },
  };
});

describe('the PostgreSQL catalogue', () => {
  test('runs its migrations once, even when two instances start together, and keeps data across reopening', async () => {
    const schema = newSchemaName();
    const options: CatalogOptions = { kind: 'postgres', url: pgUrl, schema };
    const [first, second] = await Promise.all([openCatalog(options), openCatalog(options)]);
    const record = sampleRecord();
    expect(await first.assets.insert(record)).toBe(true);
    expect(await second.assets.get(record)).toEqual(record);
    expect(await second.assets.insert(record)).toBe(false);
    await Promise.all([first.close(), second.close()]);

    const third = await open(schema);
    expect(await third.assets.get(record)).toEqual(record);
    const rows = await query<{ name: string }>(`SELECT name FROM ${schema}.kysely_migration ORDER BY name`);
    expect(rows.map((row) => row.name)).toEqual(MIGRATIONS);
  });

  test('refuses a schema name that is not a plain identifier', async () => {
    await expect(openCatalog({ kind: 'postgres', url: pgUrl, schema: 'x; DROP TABLE assets' })).rejects.toThrow(
      /identifier/,
    );
  });
});
