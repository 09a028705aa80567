import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { PostgresCatalog } from '../../src/catalog/postgres.js';
import { testServices } from '../services-setup.js';
import { describeCatalogContract, sampleRecord } from './catalog-contract.js';

const { pgUrl } = testServices();
const schemas: string[] = [];
/** Every catalogue in its own schema of the shared test database, dropped at the end. */
const freshSchema = (): string => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
};

afterAll(async () => {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

describeCatalogContract('postgres', () => PostgresCatalog.open({ url: pgUrl, schema: freshSchema(), max: 4 }));

describe('PostgresCatalog', () => {
  test('runs its migrations once, even when two instances start together, and keeps data across reopening', async () => {
    const schema = freshSchema();
    const [first, second] = await Promise.all([
      PostgresCatalog.open({ url: pgUrl, schema }),
      PostgresCatalog.open({ url: pgUrl, schema }),
    ]);
    const record = sampleRecord();
    expect(await first.insert(record)).toBe(true);
    expect(await second.get(record)).toEqual(record);
    expect(await second.insert(record)).toBe(false);
    await Promise.all([first.close(), second.close()]);

    const third = await PostgresCatalog.open({ url: pgUrl, schema });
    expect(await third.get(record)).toEqual(record);
    await third.close();

    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    const { rows } = await client.query(`SELECT id, name FROM ${schema}.migrations ORDER BY id`);
    await client.end();
    expect(rows).toEqual([
      { id: 1, name: '001-assets' },
      { id: 2, name: '002-presets-moderation' },
      { id: 3, name: '003-folders-users' },
    ]);
  });

  test('concurrent replaces of one key all land, each version above the last, none lost', async () => {
    const catalog = await PostgresCatalog.open({ url: pgUrl, schema: freshSchema() });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => catalog.replace(sampleRecord({ etag: `e${i}`, version: 100 }))),
    );
    const versions = results.map((result) => result.record.version).sort((a, b) => a - b);
    expect(versions).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
    expect(results.filter((result) => result.previous === null)).toHaveLength(1);
    const latest = await catalog.get(sampleRecord());
    expect(latest?.version).toBe(107);
    await catalog.close();
  });

  test('refuses a schema name that is not a plain identifier', async () => {
    await expect(PostgresCatalog.open({ url: pgUrl, schema: 'x; DROP TABLE assets' })).rejects.toThrow(/identifier/);
  });
});
