/**
 * The catalogue in SQLite (better-sqlite3, WAL). Schema changes are numbered migrations recorded in `migrations`
 * and applied on open, in order, each in its own transaction.
 */
import Database from 'better-sqlite3';
import { UploadError } from '../../errors.js';
import type { ResourceType } from '../../protocol/params.js';
import type { UploadPreset } from '../presets/definition.js';
import type { AssetKey, AssetPage, AssetRecord, AssetStatus, Catalog, ListQuery, ReplaceOptions } from './catalog.js';

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
      page: this.#db.prepare<[string, number, number], AssetRow>(
        'SELECT * FROM assets WHERE cloud = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
      ),
      pageByStatus: this.#db.prepare<[string, number, string, number], AssetRow>(
        `SELECT * FROM assets WHERE cloud = ? AND seq < ? AND status IN (SELECT value FROM json_each(?))
          ORDER BY seq DESC LIMIT ?`,
      ),
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
    const rows = query.status
      ? this.#statements.pageByStatus.all(query.cloud, before, JSON.stringify(query.status), query.limit + 1)
      : this.#statements.page.all(query.cloud, before, query.limit + 1);
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
    return this.#statements.purgeSignatures.run(now).changes;
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

function toRecord(row: AssetRow): AssetRecord {
  return {
    cloud: row.cloud,
    resourceType: row.resource_type as ResourceType,
    type: 'upload',
    publicId: row.public_id,
    assetId: row.asset_id,
    version: row.version,
    versionId: row.version_id,
    format: row.format,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    etag: row.etag,
    storageKey: row.storage_key,
    originalFilename: row.original_filename,
    displayName: row.display_name,
    folder: row.folder,
    assetFolder: row.asset_folder,
    tags: JSON.parse(row.tags) as string[],
    context: JSON.parse(row.context) as Record<string, string>,
    createdAt: row.created_at,
    status: row.status as AssetStatus,
  };
}

function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new UploadError('PARAM_INVALID', 'The cursor is not one this server made.');
  return Number(match[1]);
}
