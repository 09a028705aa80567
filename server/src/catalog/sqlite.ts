/**
 * The catalogue in SQLite (better-sqlite3, WAL). Schema changes are numbered migrations recorded in `migrations`
 * and applied on open, in order, each in its own transaction.
 */
import Database from 'better-sqlite3';
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
      CREATE TABLE assets (
        cloud TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        type TEXT NOT NULL,
        public_id TEXT NOT NULL,
        seq INTEGER NOT NULL UNIQUE,
        asset_id TEXT NOT NULL UNIQUE,
        version INTEGER NOT NULL,
        version_id TEXT NOT NULL,
        format TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        width INTEGER,
        height INTEGER,
        etag TEXT NOT NULL,
        storage_key TEXT NOT NULL UNIQUE,
        original_filename TEXT NOT NULL,
        display_name TEXT NOT NULL,
        folder TEXT NOT NULL,
        asset_folder TEXT NOT NULL,
        tags TEXT NOT NULL,
        context TEXT NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (cloud, resource_type, type, public_id)
      );
      CREATE TABLE used_signatures (
        signature TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX used_signatures_expiry ON used_signatures (expires_at);`,
  },
  {
    name: '002-presets-moderation',
    sql: `
      CREATE TABLE presets (
        cloud TEXT NOT NULL,
        name TEXT NOT NULL,
        definition TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (cloud, name)
      );
      CREATE INDEX assets_status ON assets (cloud, status, seq);`,
  },
  {
    // An asset's folder is the folder part of its public ID (where its delivery URL puts it); rows from before
    // held only the `folder` parameter. rtrim(x, <every character of x but "/">) keeps x up to its last "/".
    name: '003-folders-users',
    sql: `
      UPDATE assets SET folder = CASE WHEN instr(public_id, '/') = 0 THEN '' ELSE
        substr(rtrim(public_id, replace(public_id, '/', '')), 1, length(rtrim(public_id, replace(public_id, '/', ''))) - 1)
        END;
      CREATE INDEX assets_folder ON assets (cloud, folder, seq);
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        role TEXT NOT NULL
      );
      CREATE TABLE grants (
        user_id TEXT NOT NULL,
        folder TEXT NOT NULL,
        access TEXT NOT NULL,
        PRIMARY KEY (user_id, folder)
      );
      CREATE TABLE issued_signatures (
        signature TEXT NOT NULL,
        user_id TEXT NOT NULL,
        role TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (signature, user_id)
      );
      CREATE INDEX issued_signatures_expiry ON issued_signatures (expires_at);`,
  },
];

interface AssetRow {
  cloud: string;
  resource_type: string;
  type: string;
  public_id: string;
  seq: number;
  asset_id: string;
  version: number;
  version_id: string;
  format: string;
  bytes: number;
  width: number | null;
  height: number | null;
  etag: string;
  storage_key: string;
  original_filename: string;
  display_name: string;
  folder: string;
  asset_folder: string;
  tags: string;
  context: string;
  created_at: string;
  status: string;
}

const COLUMNS = `cloud, resource_type, type, public_id, seq, asset_id, version, version_id, format, bytes, width, height,
  etag, storage_key, original_filename, display_name, folder, asset_folder, tags, context, created_at, status`;
const VALUES = `@cloud, @resource_type, @type, @public_id, @seq, @asset_id, @version, @version_id, @format, @bytes, @width,
  @height, @etag, @storage_key, @original_filename, @display_name, @folder, @asset_folder, @tags, @context,
  @created_at, @status`;
const KEY = 'cloud = ? AND resource_type = ? AND type = ? AND public_id = ?';

export class SqliteCatalog implements Catalog {
  readonly #db: Database.Database;
  readonly #statements;
  readonly #dynamic = new Map<string, Database.Statement>();

  /** `file` is a path, or ':memory:' for tests. */
  constructor(file: string) {
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('busy_timeout = 5000');
    migrate(this.#db);
    this.#statements = {
      get: this.#db.prepare<[string, string, string, string], AssetRow>(`SELECT * FROM assets WHERE ${KEY}`),
      nextSeq: this.#db.prepare<[], { seq: number }>('SELECT coalesce(max(seq), 0) + 1 AS seq FROM assets'),
      insert: this.#db.prepare<AssetRow>(`INSERT OR IGNORE INTO assets (${COLUMNS}) VALUES (${VALUES})`),
      remove: this.#db.prepare<[string, string, string, string]>(`DELETE FROM assets WHERE ${KEY}`),
      setStatus: this.#db.prepare<[string, string, string, string, string]>(
        `UPDATE assets SET status = ? WHERE ${KEY}`,
      ),
      getPreset: this.#db.prepare<[string, string], { definition: string }>(
        'SELECT definition FROM presets WHERE cloud = ? AND name = ?',
      ),
      listPresets: this.#db.prepare<[string], { definition: string }>(
        'SELECT definition FROM presets WHERE cloud = ? ORDER BY name',
      ),
      insertPreset: this.#db.prepare<[string, string, string, string]>(
        'INSERT OR IGNORE INTO presets (cloud, name, definition, updated_at) VALUES (?, ?, ?, ?)',
      ),
      updatePreset: this.#db.prepare<[string, string, string, string]>(
        'UPDATE presets SET definition = ?, updated_at = ? WHERE cloud = ? AND name = ?',
      ),
      deletePreset: this.#db.prepare<[string, string]>('DELETE FROM presets WHERE cloud = ? AND name = ?'),
      useSignature: this.#db.prepare<[string, number]>(
        'INSERT OR IGNORE INTO used_signatures (signature, expires_at) VALUES (?, ?)',
      ),
      purgeSignatures: this.#db.prepare<[number]>('DELETE FROM used_signatures WHERE expires_at < ?'),
      purgeIssued: this.#db.prepare<[number]>('DELETE FROM issued_signatures WHERE expires_at < ?'),
      getUser: this.#db.prepare<[string], { id: string; role: string }>('SELECT id, role FROM users WHERE id = ?'),
      listUsers: this.#db.prepare<[], { id: string; role: string }>('SELECT id, role FROM users ORDER BY id'),
      grantsOf: this.#db.prepare<[string], GrantRow>(
        'SELECT user_id, folder, access FROM grants WHERE user_id = ? ORDER BY folder',
      ),
      allGrants: this.#db.prepare<[], GrantRow>('SELECT user_id, folder, access FROM grants ORDER BY user_id, folder'),
      insertUser: this.#db.prepare<[string, string]>('INSERT OR IGNORE INTO users (id, role) VALUES (?, ?)'),
      updateUser: this.#db.prepare<[string, string]>('UPDATE users SET role = ? WHERE id = ?'),
      deleteUser: this.#db.prepare<[string]>('DELETE FROM users WHERE id = ?'),
      deleteGrants: this.#db.prepare<[string]>('DELETE FROM grants WHERE user_id = ?'),
      putGrant: this.#db.prepare<[string, string, string, string]>(
        `INSERT INTO grants (user_id, folder, access) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ?)
          ON CONFLICT (user_id, folder) DO UPDATE SET access = excluded.access`,
      ),
      deleteGrant: this.#db.prepare<[string, string]>('DELETE FROM grants WHERE user_id = ? AND folder = ?'),
      issue: this.#db.prepare<[string, string, string, number]>(
        `INSERT INTO issued_signatures (signature, user_id, role, expires_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (signature, user_id) DO UPDATE SET role = excluded.role,
            expires_at = max(expires_at, excluded.expires_at)`,
      ),
      issuedTo: this.#db.prepare<[string], { user_id: string; role: string }>(
        'SELECT user_id, role FROM issued_signatures WHERE signature = ? ORDER BY user_id',
      ),
    };
  }

  async get(key: AssetKey): Promise<AssetRecord | null> {
    const row = this.#statements.get.get(key.cloud, key.resourceType, 'upload', key.publicId);
    return row ? toRecord(row) : null;
  }

  async insert(record: AssetRecord): Promise<boolean> {
    return this.#db
      .transaction(() => {
        const { seq } = this.#statements.nextSeq.get() as { seq: number };
        return this.#statements.insert.run(toRow(record, seq)).changes === 1;
      })
      .immediate();
  }

  async replace(
    record: AssetRecord,
    options: ReplaceOptions = {},
  ): Promise<{ record: AssetRecord; previous: AssetRecord | null }> {
    return this.#db
      .transaction(() => {
        const old = this.#statements.get.get(record.cloud, record.resourceType, 'upload', record.publicId);
        const previous = old ? toRecord(old) : null;
        const stored = { ...record };
        if (previous && record.version <= previous.version) stored.version = previous.version + 1;
        if (previous && options.retain?.tags) stored.tags = [...new Set([...previous.tags, ...record.tags])];
        if (previous && options.retain?.context) stored.context = { ...previous.context, ...record.context };
        this.#statements.remove.run(record.cloud, record.resourceType, 'upload', record.publicId);
        const { seq } = this.#statements.nextSeq.get() as { seq: number };
        this.#statements.insert.run(toRow(stored, seq));
        return { record: stored, previous };
      })
      .immediate();
  }

  async list(query: ListQuery): Promise<AssetPage> {
    const before =
      query.cursor === undefined || query.cursor === '' ? Number.MAX_SAFE_INTEGER : decodeCursor(query.cursor);
    const filter = assetFilter(query);
    const rows = this.#prepared<AssetRow>(
      `SELECT * FROM assets WHERE ${filter.where} AND seq < ? ORDER BY seq DESC LIMIT ?`,
    ).all(...filter.params, before, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      records: page.map(toRecord),
      ...(rows.length > query.limit && last ? { nextCursor: encodeCursor(last.seq) } : {}),
    };
  }

  async setStatus(key: AssetKey, status: AssetStatus): Promise<AssetRecord | null> {
    return this.#db
      .transaction(() => {
        this.#statements.setStatus.run(status, key.cloud, key.resourceType, 'upload', key.publicId);
        const row = this.#statements.get.get(key.cloud, key.resourceType, 'upload', key.publicId);
        return row ? toRecord(row) : null;
      })
      .immediate();
  }

  async getPreset(cloud: string, name: string): Promise<UploadPreset | null> {
    const row = this.#statements.getPreset.get(cloud, name);
    return row ? (JSON.parse(row.definition) as UploadPreset) : null;
  }

  async listPresets(cloud: string): Promise<UploadPreset[]> {
    return this.#statements.listPresets.all(cloud).map((row) => JSON.parse(row.definition) as UploadPreset);
  }

  async putPreset(cloud: string, preset: UploadPreset): Promise<boolean> {
    const definition = JSON.stringify(preset);
    const now = new Date().toISOString();
    return this.#db
      .transaction(() => {
        if (this.#statements.insertPreset.run(cloud, preset.name, definition, now).changes === 1) return true;
        this.#statements.updatePreset.run(definition, now, cloud, preset.name);
        return false;
      })
      .immediate();
  }

  async deletePreset(cloud: string, name: string): Promise<boolean> {
    return this.#statements.deletePreset.run(cloud, name).changes === 1;
  }

  async useSignature(signature: string, expiresAt: number): Promise<boolean> {
    return this.#statements.useSignature.run(signature.toLowerCase(), expiresAt).changes === 1;
  }

  async purgeSignatures(now: number): Promise<number> {
    return this.#statements.purgeSignatures.run(now).changes + this.#statements.purgeIssued.run(now).changes;
  }

  async listFolders(query: FolderQuery): Promise<FolderCount[]> {
    const filter = assetFilter(query);
    return this.#prepared<FolderCount>(
      `SELECT folder, count(*) AS count FROM assets WHERE ${filter.where} GROUP BY folder ORDER BY folder`,
    ).all(...filter.params);
  }

  async getUser(id: string): Promise<User | null> {
    const row = this.#statements.getUser.get(id);
    return row ? toUser(row, this.#statements.grantsOf.all(id)) : null;
  }

  async listUsers(): Promise<User[]> {
    const grants = new Map<string, GrantRow[]>();
    for (const grant of this.#statements.allGrants.all())
      grants.set(grant.user_id, [...(grants.get(grant.user_id) ?? []), grant]);
    return this.#statements.listUsers.all().map((row) => toUser(row, grants.get(row.id) ?? []));
  }

  async putUser(id: string, role: Role): Promise<boolean> {
    return this.#db
      .transaction(() => {
        if (this.#statements.insertUser.run(id, role).changes === 1) return true;
        this.#statements.updateUser.run(role, id);
        return false;
      })
      .immediate();
  }

  async deleteUser(id: string): Promise<boolean> {
    return this.#db
      .transaction(() => {
        this.#statements.deleteGrants.run(id);
        return this.#statements.deleteUser.run(id).changes === 1;
      })
      .immediate();
  }

  async putGrant(userId: string, grant: Grant): Promise<boolean> {
    return this.#statements.putGrant.run(userId, grant.folder, grant.access, userId).changes === 1;
  }

  async deleteGrant(userId: string, folder: string): Promise<boolean> {
    return this.#statements.deleteGrant.run(userId, folder).changes === 1;
  }

  async issueSignature(signature: string, signer: Identity, expiresAt: number): Promise<void> {
    this.#statements.issue.run(signature.toLowerCase(), signer.id, signer.role, expiresAt);
  }

  async issuedTo(signature: string): Promise<Identity[]> {
    return this.#statements.issuedTo
      .all(signature.toLowerCase())
      .map((row) => ({ id: row.user_id, role: row.role as Role }));
  }

  /** Statements whose WHERE clause depends on the query, prepared once per shape. */
  #prepared<Row>(sql: string): Database.Statement<unknown[], Row> {
    let statement = this.#dynamic.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#dynamic.set(sql, statement);
    }
    return statement as Database.Statement<unknown[], Row>;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    db
      .prepare<[], { name: string }>('SELECT name FROM migrations')
      .all()
      .map((row) => row.name),
  );
  const record = db.prepare<[number, string, string]>('INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)');
  MIGRATIONS.forEach((migration, index) => {
    if (applied.has(migration.name)) return;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(index + 1, migration.name, new Date().toISOString());
    }).immediate();
  });
}

function toRow(record: AssetRecord, seq: number): AssetRow {
  return {
    cloud: record.cloud,
    resource_type: record.resourceType,
    type: record.type,
    public_id: record.publicId,
    seq,
    asset_id: record.assetId,
    version: record.version,
    version_id: record.versionId,
    format: record.format,
    bytes: record.bytes,
    width: record.width,
    height: record.height,
    etag: record.etag,
    storage_key: record.storageKey,
    original_filename: record.originalFilename,
    display_name: record.displayName,
    folder: record.folder,
    asset_folder: record.assetFolder,
    tags: JSON.stringify(record.tags),
    context: JSON.stringify(record.context),
    created_at: record.createdAt,
    status: record.status,
  };
}

/** `folder` is `?` or below it by whole segments ('' holds everything); binds the folder four times. */
const UNDER = "(? = '' OR folder = ? OR substr(folder, 1, length(?) + 1) = ? || '/')";

/**
 * The WHERE clause of a listing. Prefixes are compared with substr, never LIKE: `_` is a wildcard there and a
 * common character in folder names.
 */
function assetFilter(query: FolderQuery & Partial<ListQuery>): { where: string; params: unknown[] } {
  const clauses = ['cloud = ?'];
  const params: unknown[] = [query.cloud];
  if (query.status) {
    clauses.push('status IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(query.status));
  }
  if (query.folder !== undefined) {
    if (query.recursive) {
      clauses.push(UNDER);
      params.push(query.folder, query.folder, query.folder, query.folder);
    } else {
      clauses.push('folder = ?');
      params.push(query.folder);
    }
  }
  if (query.tag !== undefined) {
    clauses.push('EXISTS (SELECT 1 FROM json_each(assets.tags) AS tag WHERE tag.value = ?)');
    params.push(query.tag);
  }
  if (query.within) {
    clauses.push(`EXISTS (SELECT 1 FROM json_each(?) AS scope WHERE scope.value = '' OR folder = scope.value
      OR substr(folder, 1, length(scope.value) + 1) = scope.value || '/')`);
    params.push(JSON.stringify(query.within));
  }
  return { where: clauses.join(' AND '), params };
}
