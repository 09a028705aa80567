/**
 * Chunk sessions in SQL, for SQLite and PostgreSQL alike: one row per session, its state kept as the text the session
 * store wrote. Every change to one session is serialised, also across instances: PostgreSQL by a transaction-scoped
 * advisory lock on the session's id (which also covers a session not created yet), SQLite by its single writer.
 */
import { sql } from 'kysely';
import type { ChunkSessionCatalog, ChunkSessionChange, ChunkSessionRecord } from './catalog.js';
import type { CatalogDb, Flavor } from './database.js';

export class SqlChunkSessionCatalog implements ChunkSessionCatalog {
  readonly #db: CatalogDb;
  readonly #flavor: Flavor;

  constructor(db: CatalogDb, flavor: Flavor) {
    this.#db = db;
    this.#flavor = flavor;
  }

  async get(id: string): Promise<ChunkSessionRecord | null> {
    const row = await this.#db
      .selectFrom('chunk_sessions')
      .select(['id', 'data', 'updated_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? { id: row.id, data: row.data, updatedAt: Number(row.updated_at) } : null;
  }

  change<T>(id: string, change: (current: ChunkSessionRecord | null) => ChunkSessionChange<T>): Promise<T> {
    return this.#db.transaction().execute(async (trx) => {
      if (this.#flavor.name === 'postgres')
        await sql`select pg_advisory_xact_lock(hashtextextended(${id}, 0))`.execute(trx);
      const row = await trx
        .selectFrom('chunk_sessions')
        .select(['id', 'data', 'updated_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      const { next, result } = change(row ? { id: row.id, data: row.data, updatedAt: Number(row.updated_at) } : null);
      if (next === null) {
        if (row) await trx.deleteFrom('chunk_sessions').where('id', '=', id).execute();
      } else if (next !== undefined) {
        await trx
          .insertInto('chunk_sessions')
          .values({ id, data: next.data, updated_at: next.updatedAt })
          .onConflict((conflict) => conflict.column('id').doUpdateSet({ data: next.data, updated_at: next.updatedAt }))
          .execute();
      }
      return result;
    });
  }

  async idle(before: number, limit: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('chunk_sessions')
      .select('id')
      .where('updated_at', '<', before)
      .orderBy('updated_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }
}
