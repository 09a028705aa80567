/**
 * Opens the configured catalogue: SQLite (better-sqlite3, WAL) for one server, or PostgreSQL (`pg`) for several
 * instances sharing it; migrates it to the latest schema and hands out one object per concern over one Kysely
 * instance. `pg` loads only when PostgreSQL is configured: it would cost every embedded server RSS.
 */
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import { SqlAssetCatalog } from './asset-catalog.js';
import type { Catalog } from './catalog.js';
import { SqlChunkSessionCatalog } from './chunk-session-catalog.js';
import { type CatalogDb, type CatalogTables, type Flavor, POSTGRES, SQLITE } from './database.js';
import { migrations } from './migrations.js';
import { SqlPresetCatalog } from './preset-catalog.js';
import { SqlSignatureLedger } from './signature-ledger.js';
import { SqlUserDirectory } from './user-directory.js';

export type CatalogOptions =
  | { kind: 'sqlite' /** A path, or ':memory:'. */; file: string }
  | {
      kind: 'postgres';
      /** `postgres://user:password@host:port/database` (any libpq-style URL `pg` understands). */
      url: string;
      /** Tables live in this schema (created when missing); default: the connection's search_path (`public`). */
      schema?: string | undefined;
      /** Pool size; default 10. */
      max?: number | undefined;
    };

export async function openCatalog(options: CatalogOptions): Promise<Catalog> {
  const { db, flavor, schema } = options.kind === 'sqlite' ? openSqlite(options.file) : await openPostgres(options);
  try {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrations(flavor) },
      // Kysely looks for its own tables in every schema unless told which one; tests share a database by schema.
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
  } catch (error) {
    await db.destroy();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    assets: new SqlAssetCatalog(db, flavor),
    presets: new SqlPresetCatalog(db, flavor),
    signatures: new SqlSignatureLedger(db, flavor),
    users: new SqlUserDirectory(db, flavor),
    chunkSessions: new SqlChunkSessionCatalog(db, flavor),
    close() {
      closed ??= db.destroy();
      return closed;
    },
  };
}

interface Opened {
  db: CatalogDb;
  flavor: Flavor;
  schema?: string;
}

function openSqlite(file: string): Opened {
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  return { db: new Kysely<CatalogTables>({ dialect: new CatalogSqliteDialect({ database }) }), flavor: SQLITE };
}

async function openPostgres(options: Extract<CatalogOptions, { kind: 'postgres' }>): Promise<Opened> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema))
    throw new Error('catalog.schema must be a lower-case SQL identifier.');
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client that loses its connection (database restart) must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<CatalogTables>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (options.schema) await createSchema(pool, options.schema);
    const { rows } = await pool.query<{ schema: string }>('select current_schema() as schema');
    return { db, flavor: POSTGRES, schema: rows[0]?.schema ?? 'public' };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/** Instances starting together may both create it: PostgreSQL then answers a duplicate to one of them. */
async function createSchema(pool: { query(text: string): Promise<unknown> }, schema: string): Promise<void> {
  try {
    await pool.query(`create schema if not exists ${schema}`);
  } catch (error) {
    if (!['23505', '42P06'].includes((error as { code?: string }).code ?? '')) throw error;
  }
}

/**
 * Kysely's SQLite dialect, with two differences. Transactions begin IMMEDIATE: they take the write lock first, so
 * a read-then-write transaction never fails on the upgrade when another process writes to the file (it waits up to
 * busy_timeout instead). And migrations run in a transaction, which SQLite supports for DDL.
 * One process opens a file once: better-sqlite3 waits for a lock synchronously, so a second connection in the same
 * process would stall the event loop that the first one's open transaction needs to finish.
 */
class CatalogSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
