/**
 * The catalogue in PostgreSQL (`pg`), for several server instances sharing one database. Same numbered migrations
 * as the SQLite catalogue, applied by `PostgresCatalog.open` under an advisory lock, so instances starting together
 * migrate once. Every multi-statement change runs in one transaction on one pooled connection.
 */
import pg from 'pg';
import type { Grant, Identity, Role, User } from '../auth/permissions.js';
import type { UploadPreset } from '../presets/definition.js';
import type {
  AssetKey,
  AssetPage,
  AssetRecord,
  AssetStatus,
  FolderCount,
  FolderQuery,
  ListQuery,
  ReplaceOptions,
} from './catalog.js';
import type { FlatCatalog as Catalog } from './legacy.js';
import { decodeCursor, encodeCursor, type GrantRow, toRecord, toUser } from './rows.js';

const MIGRATIONS: readonly { name: string; sql: string }[] = [
  {
    name: '001-assets',
    sql: `
      CREATE SEQUENCE assets_seq;
      CREATE TABLE assets (
        cloud TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        type TEXT NOT NULL,
        public_id TEXT NOT NULL,
        seq BIGINT NOT NULL UNIQUE DEFAULT nextval('assets_seq'),
        asset_id TEXT NOT NULL UNIQUE,
        version BIGINT NOT NULL,
        version_id TEXT NOT NULL,
        format TEXT NOT NULL,
        bytes BIGINT NOT NULL,
        width INTEGER,
        height INTEGER,
        etag TEXT NOT NULL,
        storage_key TEXT NOT NULL UNIQUE,
        original_filename TEXT NOT NULL,
        display_name TEXT NOT NULL,
        folder TEXT NOT NULL,
        asset_folder TEXT NOT NULL,
        tags JSONB NOT NULL,
        context JSONB NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (cloud, resource_type, type, public_id)
      );
      CREATE TABLE used_signatures (
        signature TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX used_signatures_expiry ON used_signatures (expires_at);`,
  },
  {
    name: '002-presets-moderation',
    sql: `
      CREATE TABLE presets (
        cloud TEXT NOT NULL,
        name TEXT NOT NULL,
        definition JSONB NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (cloud, name)
      );
      CREATE INDEX assets_status ON assets (cloud, status, seq);
      CREATE INDEX assets_list ON assets (cloud, seq);`,
  },
  {
    // An asset's folder is the folder part of its public ID (where its delivery URL puts it).
    name: '003-folders-users',
    sql: `
      UPDATE assets SET folder = CASE WHEN strpos(public_id, '/') = 0 THEN '' ELSE regexp_replace(public_id, '/[^/]*$', '') END;
      CREATE INDEX assets_folder ON assets (cloud, folder, seq);
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        role TEXT NOT NULL
      );
      CREATE TABLE grants (
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        folder TEXT NOT NULL,
        access TEXT NOT NULL,
        PRIMARY KEY (user_id, folder)
      );
      CREATE TABLE issued_signatures (
        signature TEXT NOT NULL,
        user_id TEXT NOT NULL,
        role TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (signature, user_id)
      );
      CREATE INDEX issued_signatures_expiry ON issued_signatures (expires_at);`,
  },
];

// Any constant: it only has to be the same in every instance.
const MIGRATION_LOCK = 0x5167_6e65;

interface AssetRow {
  cloud: string;
  resource_type: string;
  type: string;
  public_id: string;
  seq: string;
  asset_id: string;
  version: string;
  version_id: string;
  format: string;
  bytes: string;
  width: number | null;
  height: number | null;
  etag: string;
  storage_key: string;
  original_filename: string;
  display_name: string;
  folder: string;
  asset_folder: string;
  tags: string[];
  context: Record<string, string>;
  created_at: string;
  status: string;
}

const KEY = 'cloud = $1 AND resource_type = $2 AND type = $3 AND public_id = $4';
const DATA_COLUMNS = `asset_id, version, version_id, format, bytes, width, height, etag, storage_key,
  original_filename, display_name, folder, asset_folder, tags, context, created_at, status`;
const INSERT = `INSERT INTO assets (cloud, resource_type, type, public_id, ${DATA_COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, $19::jsonb, $20, $21)`;
const UPDATE = `UPDATE assets SET seq = nextval('assets_seq'), asset_id = $5, version = $6, version_id = $7,
  format = $8, bytes = $9, width = $10, height = $11, etag = $12, storage_key = $13, original_filename = $14,
  display_name = $15, folder = $16, asset_folder = $17, tags = $18::jsonb, context = $19::jsonb, created_at = $20,
  status = $21 WHERE ${KEY}`;

export interface PostgresCatalogOptions {
  /** `postgres://user:password@host:port/database` (any libpq-style URL `pg` understands). */
  url: string;
  /** Tables live in this schema (created when missing); default: the connection's search_path (`public`). */
  schema?: string | undefined;
  /** Pool size; default 10. */
  max?: number;
}

export class PostgresCatalog implements Catalog {
  readonly #pool: pg.Pool;
  #closed: Promise<void> | undefined;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects, creates the schema if asked, and applies the migrations this database has not seen yet. */
  static async open(options: PostgresCatalogOptions): Promise<PostgresCatalog> {
    if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema))
      throw new Error('catalog.schema must be a lower-case SQL identifier.');
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.max ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client that loses its connection (database restart) must not crash the process.
    pool.on('error', () => {});
    try {
      if (options.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresCatalog(pool);
  }

  async get(key: AssetKey): Promise<AssetRecord | null> {
    const { rows } = await this.#pool.query<AssetRow>(`SELECT * FROM assets WHERE ${KEY}`, keyValues(key));
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async insert(record: AssetRecord): Promise<boolean> {
    // Like SQLite's INSERT OR IGNORE: a taken key (or asset ID, or storage key) writes nothing.
    const { rowCount } = await this.#pool.query(`${INSERT} ON CONFLICT DO NOTHING`, values(record));
    return rowCount === 1;
  }

  async replace(
    record: AssetRecord,
    options: ReplaceOptions = {},
  ): Promise<{ record: AssetRecord; previous: AssetRecord | null }> {
    // A concurrent first insert of the same key can beat ours; then the row exists and the next round updates it.
    for (let attempt = 0; ; attempt++) {
      const result = await this.#transaction(async (client) => {
        const { rows } = await client.query<AssetRow>(
          `SELECT * FROM assets WHERE ${KEY} FOR UPDATE`,
          keyValues(record),
        );
        const previous = rows[0] ? toRecord(rows[0]) : null;
        const stored = { ...record };
        if (previous && record.version <= previous.version) stored.version = previous.version + 1;
        if (previous && options.retain?.tags) stored.tags = [...new Set([...previous.tags, ...record.tags])];
        if (previous && options.retain?.context) stored.context = { ...previous.context, ...record.context };
        if (previous) {
          await client.query(UPDATE, values(stored));
          return { record: stored, previous };
        }
        const inserted = await client.query(
          `${INSERT} ON CONFLICT (cloud, resource_type, type, public_id) DO NOTHING`,
          values(stored),
        );
        return inserted.rowCount === 1 ? { record: stored, previous: null } : null;
      });
      if (result) return result;
      if (attempt >= 5) throw new Error(`Could not replace ${record.publicId}: the row keeps changing.`);
    }
  }

  async setStatus(key: AssetKey, status: AssetStatus): Promise<AssetRecord | null> {
    const { rows } = await this.#pool.query<AssetRow>(`UPDATE assets SET status = $5 WHERE ${KEY} RETURNING *`, [
      ...keyValues(key),
      status,
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(query: ListQuery): Promise<AssetPage> {
    const before =
      query.cursor === undefined || query.cursor === '' ? Number.MAX_SAFE_INTEGER : decodeCursor(query.cursor);
    const params: unknown[] = [];
    const where = assetFilter(query, params);
    params.push(before, query.limit + 1);
    const { rows } = await this.#pool.query<AssetRow>(
      `SELECT * FROM assets WHERE ${where} AND seq < $${params.length - 1} ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      records: page.map(toRecord),
      ...(rows.length > query.limit && last ? { nextCursor: encodeCursor(Number(last.seq)) } : {}),
    };
  }

  async getPreset(cloud: string, name: string): Promise<UploadPreset | null> {
    const { rows } = await this.#pool.query<{ definition: UploadPreset }>(
      'SELECT definition FROM presets WHERE cloud = $1 AND name = $2',
      [cloud, name],
    );
    return rows[0]?.definition ?? null;
  }

  async listPresets(cloud: string): Promise<UploadPreset[]> {
    // Byte order, as SQLite sorts, whatever the database's collation.
    const { rows } = await this.#pool.query<{ definition: UploadPreset }>(
      'SELECT definition FROM presets WHERE cloud = $1 ORDER BY name COLLATE "C"',
      [cloud],
    );
    return rows.map((row) => row.definition);
  }

  async putPreset(cloud: string, preset: UploadPreset): Promise<boolean> {
    // `xmax = 0` holds for a row this statement inserted, not for one it updated.
    const { rows } = await this.#pool.query<{ created: boolean }>(
      `INSERT INTO presets (cloud, name, definition) VALUES ($1, $2, $3::jsonb)
        ON CONFLICT (cloud, name) DO UPDATE SET definition = EXCLUDED.definition, updated_at = now()
        RETURNING (xmax = 0) AS created`,
      [cloud, preset.name, JSON.stringify(preset)],
    );
    return rows[0]?.created === true;
  }

  async deletePreset(cloud: string, name: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM presets WHERE cloud = $1 AND name = $2', [cloud, name]);
    return rowCount === 1;
  }

  async useSignature(signature: string, expiresAt: number): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      'INSERT INTO used_signatures (signature, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [signature.toLowerCase(), expiresAt],
    );
    return rowCount === 1;
  }

  async purgeSignatures(now: number): Promise<number> {
    const used = await this.#pool.query('DELETE FROM used_signatures WHERE expires_at < $1', [now]);
    const issued = await this.#pool.query('DELETE FROM issued_signatures WHERE expires_at < $1', [now]);
    return (used.rowCount ?? 0) + (issued.rowCount ?? 0);
  }

  async listFolders(query: FolderQuery): Promise<FolderCount[]> {
    const params: unknown[] = [];
    const where = assetFilter(query, params);
    // Byte order, as SQLite sorts, whatever the database's collation.
    const { rows } = await this.#pool.query<{ folder: string; count: string }>(
      `SELECT folder, count(*) AS count FROM assets WHERE ${where} GROUP BY folder ORDER BY folder COLLATE "C"`,
      params,
    );
    return rows.map((row) => ({ folder: row.folder, count: Number(row.count) }));
  }

  async getUser(id: string): Promise<User | null> {
    const { rows } = await this.#pool.query<{ id: string; role: string }>('SELECT id, role FROM users WHERE id = $1', [
      id,
    ]);
    if (!rows[0]) return null;
    const grants = await this.#pool.query<GrantRow>(
      'SELECT user_id, folder, access FROM grants WHERE user_id = $1 ORDER BY folder COLLATE "C"',
      [id],
    );
    return toUser(rows[0], grants.rows);
  }

  async listUsers(): Promise<User[]> {
    const users = await this.#pool.query<{ id: string; role: string }>(
      'SELECT id, role FROM users ORDER BY id COLLATE "C"',
    );
    const grants = await this.#pool.query<GrantRow>(
      'SELECT user_id, folder, access FROM grants ORDER BY user_id COLLATE "C", folder COLLATE "C"',
    );
    const byUser = new Map<string, GrantRow[]>();
    for (const grant of grants.rows) byUser.set(grant.user_id, [...(byUser.get(grant.user_id) ?? []), grant]);
    return users.rows.map((row) => toUser(row, byUser.get(row.id) ?? []));
  }

  async putUser(id: string, role: Role): Promise<boolean> {
    const { rows } = await this.#pool.query<{ created: boolean }>(
      `INSERT INTO users (id, role) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role
        RETURNING (xmax = 0) AS created`,
      [id, role],
    );
    return rows[0]?.created === true;
  }

  async deleteUser(id: string): Promise<boolean> {
    // Its grants go with it (ON DELETE CASCADE).
    const { rowCount } = await this.#pool.query('DELETE FROM users WHERE id = $1', [id]);
    return rowCount === 1;
  }

  async putGrant(userId: string, grant: Grant): Promise<boolean> {
    try {
      const { rowCount } = await this.#pool.query(
        `INSERT INTO grants (user_id, folder, access) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1)
          ON CONFLICT (user_id, folder) DO UPDATE SET access = EXCLUDED.access`,
        [userId, grant.folder, grant.access],
      );
      return rowCount === 1;
    } catch (error) {
      // The user was deleted between the EXISTS and the insert.
      if ((error as { code?: string }).code === '23503') return false;
      throw error;
    }
  }

  async deleteGrant(userId: string, folder: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM grants WHERE user_id = $1 AND folder = $2', [
      userId,
      folder,
    ]);
    return rowCount === 1;
  }

  async issueSignature(signature: string, signer: Identity, expiresAt: number): Promise<void> {
    await this.#pool.query(
      `INSERT INTO issued_signatures (signature, user_id, role, expires_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (signature, user_id) DO UPDATE SET role = EXCLUDED.role,
          expires_at = GREATEST(issued_signatures.expires_at, EXCLUDED.expires_at)`,
      [signature.toLowerCase(), signer.id, signer.role, expiresAt],
    );
  }

  async issuedTo(signature: string): Promise<Identity[]> {
    const { rows } = await this.#pool.query<{ user_id: string; role: string }>(
      'SELECT user_id, role FROM issued_signatures WHERE signature = $1 ORDER BY user_id COLLATE "C"',
      [signature.toLowerCase()],
    );
    return rows.map((row) => ({ id: row.user_id, role: row.role as Role }));
  }

  close(): Promise<void> {
    this.#closed ??= this.#pool.end();
    return this.#closed;
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)',
    );
    const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations');
    const applied = new Set(rows.map((row) => row.name));
    for (const [index, migration] of MIGRATIONS.entries()) {
      if (applied.has(migration.name)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO migrations (id, name, applied_at) VALUES ($1, $2, now())', [
        index + 1,
        migration.name,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function keyValues(key: AssetKey): [string, string, string, string] {
  return [key.cloud, key.resourceType, 'upload', key.publicId];
}

function values(record: AssetRecord): unknown[] {
  return [
    ...keyValues(record),
    record.assetId,
    record.version,
    record.versionId,
    record.format,
    record.bytes,
    record.width,
    record.height,
    record.etag,
    record.storageKey,
    record.originalFilename,
    record.displayName,
    record.folder,
    record.assetFolder,
    JSON.stringify(record.tags),
    JSON.stringify(record.context),
    record.createdAt,
    record.status,
  ];
}

/**
 * The WHERE clause of a listing; its values are appended to `params`. Prefixes are compared with starts_with, never
 * LIKE: `_` is a wildcard there and a common character in folder names.
 */
function assetFilter(query: FolderQuery & Partial<ListQuery>, params: unknown[]): string {
  const value = (item: unknown): string => {
    params.push(item);
    return `$${params.length}`;
  };
  const clauses = [`cloud = ${value(query.cloud)}`];
  if (query.status) clauses.push(`status = ANY(${value([...query.status])}::text[])`);
  if (query.folder !== undefined) {
    const folder = `${value(query.folder)}::text`;
    clauses.push(
      query.recursive
        ? `(${folder} = '' OR folder = ${folder} OR starts_with(folder, ${folder} || '/'))`
        : `folder = ${folder}`,
    );
  }
  if (query.tag !== undefined) clauses.push(`tags @> jsonb_build_array(${value(query.tag)}::text)`);
  if (query.within)
    clauses.push(`EXISTS (SELECT 1 FROM unnest(${value([...query.within])}::text[]) AS scope(path)
      WHERE scope.path = '' OR folder = scope.path OR starts_with(folder, scope.path || '/'))`);
  return clauses.join(' AND ');
}
