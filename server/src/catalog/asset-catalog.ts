/** Asset records in SQL, for SQLite and PostgreSQL alike. */
import { type Expression, type ExpressionBuilder, type Insertable, type Selectable, type SqlBool, sql } from 'kysely';
import type { ResourceType } from 'signet-upload/protocol';
import { UploadError } from 'signet-upload/protocol';
import type {
  AssetCatalog,
  AssetKey,
  AssetPage,
  AssetRecord,
  AssetStatus,
  FolderCount,
  FolderQuery,
  ListQuery,
  ReplaceOptions,
} from './catalog.js';
import { type AssetsTable, type CatalogDb, type CatalogTables, changed, type Flavor, fromJson } from './database.js';

/** A concurrent first insert of the same key can beat a replace; then the row exists and the next round updates it. */
const REPLACE_ATTEMPTS = 5;

export class SqlAssetCatalog implements AssetCatalog {
  readonly #db: CatalogDb;
  readonly #flavor: Flavor;

  constructor(db: CatalogDb, flavor: Flavor) {
    this.#db = db;
    this.#flavor = flavor;
  }

  async get(key: AssetKey): Promise<AssetRecord | null> {
    const row = await this.#db.selectFrom('assets').selectAll().where(byKey(key)).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async insert(record: AssetRecord): Promise<boolean> {
    // A taken key (or asset ID, or storage key) writes nothing.
    const result = await this.#db
      .insertInto('assets')
      .values({ ...toRow(record), seq: this.#flavor.nextSeq() })
      .onConflict((conflict) => conflict.doNothing())
      .executeTakeFirst();
    return changed(result) === 1;
  }

  async replace(
    record: AssetRecord,
    options: ReplaceOptions = {},
  ): Promise<{ record: AssetRecord; previous: AssetRecord | null }> {
    for (let attempt = 1; ; attempt++) {
      const result = await this.#db.transaction().execute(async (trx) => {
        const old = await trx
          .selectFrom('assets')
          .selectAll()
          .where(byKey(record))
          .$if(this.#flavor.rowLocks, (query) => query.forUpdate())
          .executeTakeFirst();
        const previous = old ? toRecord(old) : null;
        const stored = { ...record };
        if (previous && record.version <= previous.version) stored.version = previous.version + 1;
        if (previous && options.retain?.tags) stored.tags = [...new Set([...previous.tags, ...record.tags])];
        if (previous && options.retain?.context) stored.context = { ...previous.context, ...record.context };
        if (previous) {
          // A replaced asset is published anew: it takes the next number and moves to the front of listings.
          await trx
            .updateTable('assets')
            .set({ ...toRow(stored), seq: this.#flavor.nextSeq() })
            .where(byKey(record))
            .execute();
          return { record: stored, previous };
        }
        const inserted = await trx
          .insertInto('assets')
          .values({ ...toRow(stored), seq: this.#flavor.nextSeq() })
          .onConflict((conflict) => conflict.columns(['cloud', 'resource_type', 'type', 'public_id']).doNothing())
          .executeTakeFirst();
        return changed(inserted) === 1 ? { record: stored, previous: null } : null;
      });
      if (result) return result;
      if (attempt >= REPLACE_ATTEMPTS) throw new Error(`Could not replace ${record.publicId}: the row keeps changing.`);
    }
  }

  async setStatus(key: AssetKey, status: AssetStatus): Promise<AssetRecord | null> {
    const row = await this.#db
      .updateTable('assets')
      .set({ status })
      .where(byKey(key))
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(query: ListQuery): Promise<AssetPage> {
    const before =
      query.cursor === undefined || query.cursor === '' ? Number.MAX_SAFE_INTEGER : decodeCursor(query.cursor);
    const rows = await this.#db
      .selectFrom('assets')
      .selectAll()
      .where((eb) => eb.and([matching(eb, query, this.#flavor), eb('seq', '<', before)]))
      .orderBy('seq', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      records: page.map(toRecord),
      ...(rows.length > query.limit && last ? { nextCursor: encodeCursor(Number(last.seq)) } : {}),
    };
  }

  async listFolders(query: FolderQuery): Promise<FolderCount[]> {
    const rows = await this.#db
      .selectFrom('assets')
      .select((eb) => ['folder', eb.fn.countAll().as('count')])
      .where((eb) => matching(eb, query, this.#flavor))
      .groupBy('folder')
      .orderBy(this.#flavor.byteOrder('folder'))
      .execute();
    return rows.map((row) => ({ folder: row.folder, count: Number(row.count) }));
  }
}

type Where = ExpressionBuilder<CatalogTables, 'assets'>;

function byKey(key: AssetKey) {
  return (eb: Where) =>
    eb.and({ cloud: key.cloud, resource_type: key.resourceType, type: 'upload', public_id: key.publicId });
}

/**
 * The filter of a listing. Prefixes are compared with substr, never LIKE: `_` is a wildcard there and a common
 * character in folder names.
 */
function matching(eb: Where, query: FolderQuery & Partial<ListQuery>, flavor: Flavor): Expression<SqlBool> {
  const clauses: Expression<SqlBool>[] = [eb('cloud', '=', query.cloud)];
  if (query.status) clauses.push(query.status.length === 0 ? NOTHING : eb('status', 'in', [...query.status]));
  if (query.folder !== undefined)
    clauses.push(query.recursive ? under(eb, query.folder) : eb('folder', '=', query.folder));
  if (query.tag !== undefined) clauses.push(flavor.arrayHas('assets.tags', query.tag));
  if (query.within)
    clauses.push(query.within.length === 0 ? NOTHING : eb.or(query.within.map((scope) => under(eb, scope))));
  return eb.and(clauses);
}

const NOTHING = sql<SqlBool>`1 = 0`;
const EVERYTHING = sql<SqlBool>`1 = 1`;

/** The asset's folder is `scope` or below it, by whole segments; '' holds everything. */
function under(eb: Where, scope: string): Expression<SqlBool> {
  if (scope === '') return EVERYTHING;
  const prefix = `${scope}/`;
  return eb.or([
    eb('folder', '=', scope),
    eb(sql<string>`substr(folder, 1, length(cast(${prefix} as text)))`, '=', prefix),
  ]);
}

/** The one mapping of a row to a record (SQLite and PostgreSQL answer numbers and JSON differently). */
function toRecord(row: Selectable<AssetsTable>): AssetRecord {
  return {
    cloud: row.cloud,
    resourceType: row.resource_type as ResourceType,
    type: 'upload',
    publicId: row.public_id,
    assetId: row.asset_id,
    version: Number(row.version),
    versionId: row.version_id,
    format: row.format,
    bytes: Number(row.bytes),
    width: row.width,
    height: row.height,
    etag: row.etag,
    storageKey: row.storage_key,
    originalFilename: row.original_filename,
    displayName: row.display_name,
    folder: row.folder,
    assetFolder: row.asset_folder,
    tags: fromJson(row.tags),
    context: fromJson(row.context),
    createdAt: row.created_at,
    status: row.status as AssetStatus,
  };
}

function toRow(record: AssetRecord): Omit<Insertable<AssetsTable>, 'seq'> {
  return {
    cloud: record.cloud,
    resource_type: record.resourceType,
    type: record.type,
    public_id: record.publicId,
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

/** Paging cursors: opaque to clients, checked on the way back. */
function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new UploadError('PARAM_INVALID', 'The cursor is not one this server made.');
  return Number(match[1]);
}
