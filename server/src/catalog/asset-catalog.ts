/** Asset records in SQL, for SQLite and PostgreSQL alike. */
import { type Expression, type ExpressionBuilder, type Insertable, type Selectable, type SqlBool, sql } from 'kysely';
import type { ResourceType } from 'signet-upload/protocol';
import { UploadError } from 'signet-upload/protocol';
import type { Box } from '../coordinates.js';
import {
  type AssetCatalog,
  type AssetChange,
  type AssetKey,
  type AssetOrder,
  type AssetPage,
  type AssetRecord,
  type AssetStatus,
  type FolderCount,
  type FolderQuery,
  type ListQuery,
  NEWEST_FIRST,
  type RenameResult,
  type RenameTarget,
  type ReplaceOptions,
  type UsageCount,
} from './catalog.js';
import {
  type AssetsTable,
  type CatalogDb,
  type CatalogTables,
  changed,
  type Flavor,
  foldCase,
  fromJson,
  searchColumns,
} from './database.js';

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

  async update(key: AssetKey, change: (record: AssetRecord) => AssetChange | null): Promise<AssetRecord | null> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('assets')
        .selectAll()
        .where(byKey(key))
        .$if(this.#flavor.rowLocks, (query) => query.forUpdate())
        .executeTakeFirst();
      if (!row) return null;
      const record = toRecord(row);
      const wanted = change(record);
      if (!wanted) return record;
      const updated = { ...record, ...wanted };
      await trx
        .updateTable('assets')
        .set({
          tags: JSON.stringify(updated.tags),
          context: JSON.stringify(updated.context),
          custom_coordinates: coordinatesColumn(updated),
          status: updated.status,
          ...searchOf(updated),
        })
        .where(byKey(key))
        .execute();
      return updated;
    });
  }

  async delete(key: AssetKey): Promise<AssetRecord | null> {
    const row = await this.#db.deleteFrom('assets').where(byKey(key)).returningAll().executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async rename(from: AssetKey, to: RenameTarget, options: { overwrite: boolean }): Promise<RenameResult> {
    const target = { ...from, publicId: to.publicId };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#db.transaction().execute(async (trx) => {
          const lock = <T extends { forUpdate(): T }>(query: T): T =>
            this.#flavor.rowLocks ? query.forUpdate() : query;
          const source = await lock(trx.selectFrom('assets').selectAll().where(byKey(from))).executeTakeFirst();
          if (!source) return { status: 'missing' } as const;
          const record: AssetRecord = { ...toRecord(source), ...to };
          if (to.publicId === from.publicId) {
            await trx.updateTable('assets').set(toRow(record)).where(byKey(from)).execute();
            return { status: 'renamed', record, replaced: null } as const;
          }
          const held = await lock(trx.selectFrom('assets').selectAll().where(byKey(target))).executeTakeFirst();
          if (held && !options.overwrite) return { status: 'taken', existing: toRecord(held) } as const;
          if (held) await trx.deleteFrom('assets').where(byKey(target)).execute();
          await trx.updateTable('assets').set(toRow(record)).where(byKey(from)).execute();
          return { status: 'renamed', record, replaced: held ? toRecord(held) : null } as const;
        });
      } catch (error) {
        // Another instance took the new public ID after we looked (PostgreSQL); the next round sees it.
        if (!isUniqueViolation(error) || attempt >= REPLACE_ATTEMPTS) throw error;
      }
    }
  }

  async usage(cloud: string): Promise<UsageCount[]> {
    const rows = await this.#db
      .selectFrom('assets')
      .select((eb) => ['resource_type', eb.fn.countAll().as('count'), eb.fn.sum<number | string>('bytes').as('bytes')])
      .where('cloud', '=', cloud)
      .groupBy('resource_type')
      .orderBy('resource_type')
      .execute();
    return rows.map((row) => ({
      resourceType: row.resource_type as ResourceType,
      count: Number(row.count),
      bytes: Number(row.bytes ?? 0),
    }));
  }

  async list(query: ListQuery): Promise<AssetPage> {
    const order = query.order ?? NEWEST_FIRST;
    const after = query.cursor === undefined || query.cursor === '' ? null : decodeCursor(query.cursor, order);
    const direction = order.direction;
    const column = ORDER_COLUMN[order.by];
    const rows = await this.#db
      .selectFrom('assets')
      .selectAll()
      .where((eb) =>
        eb.and([matching(eb, query, this.#flavor), ...(after ? [beyond(eb, order, after, this.#flavor)] : [])]),
      )
      .$if(column === 'public_id', (q) => q.orderBy(this.#flavor.byteOrder('public_id'), direction))
      .$if(column === 'bytes', (q) => q.orderBy('bytes', direction))
      .orderBy('seq', direction)
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      records: page.map(toRecord),
      ...(rows.length > query.limit && last ? { nextCursor: encodeCursor(order, last) } : {}),
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
  if (query.resourceType !== undefined) clauses.push(eb('resource_type', '=', query.resourceType));
  if (query.status) clauses.push(query.status.length === 0 ? NOTHING : eb('status', 'in', [...query.status]));
  if (query.folder !== undefined)
    clauses.push(query.recursive ? under(eb, query.folder) : eb('folder', '=', query.folder));
  if (query.prefix !== undefined && query.prefix !== '') clauses.push(startsWith(eb, 'public_id', query.prefix));
  if (query.search !== undefined && query.search !== '')
    // No value holds a newline (it separates them in `search_text`): such a search matches nothing.
    clauses.push(query.search.includes('\n') ? NOTHING : flavor.contains('assets.search_text', foldCase(query.search)));
  if (query.tag !== undefined) clauses.push(flavor.arrayHas('assets.tags', query.tag));
  if (query.tagAnyCase !== undefined) clauses.push(flavor.arrayHas('assets.search_tags', foldCase(query.tagAnyCase)));
  if (query.within)
    clauses.push(query.within.length === 0 ? NOTHING : eb.or(query.within.map((scope) => under(eb, scope))));
  return eb.and(clauses);
}

const NOTHING = sql<SqlBool>`1 = 0`;
const EVERYTHING = sql<SqlBool>`1 = 1`;

/** The asset's folder is `scope` or below it, by whole segments; '' holds everything. */
function under(eb: Where, scope: string): Expression<SqlBool> {
  if (scope === '') return EVERYTHING;
  return eb.or([eb('folder', '=', scope), startsWith(eb, 'folder', `${scope}/`)]);
}

function startsWith(eb: Where, column: 'folder' | 'public_id', prefix: string): Expression<SqlBool> {
  return eb(sql<string>`substr(${sql.ref(column)}, 1, length(cast(${prefix} as text)))`, '=', prefix);
}

/** The column a listing orders by before `seq` (null: by `seq` alone). */
const ORDER_COLUMN = { published: null, public_id: 'public_id', bytes: 'bytes' } as const satisfies Record<
  AssetOrder['by'],
  string | null
>;

/** Where the previous page ended: the ordering column's value there (if any) and its `seq`. */
interface CursorPosition {
  value?: string | number;
  seq: number;
}

/** Rows after `after` in `order`: keyset paging, so rows added meanwhile never shift a page. */
function beyond(eb: Where, order: AssetOrder, after: CursorPosition, flavor: Flavor): Expression<SqlBool> {
  const past = order.direction === 'desc' ? '<' : '>';
  const seq = eb('seq', past, after.seq);
  const column = ORDER_COLUMN[order.by];
  if (column === null || after.value === undefined) return seq;
  if (column === 'bytes') {
    const bytes = Number(after.value);
    return eb.or([eb('bytes', past, bytes), eb.and([eb('bytes', '=', bytes), seq])]);
  }
  const id = String(after.value);
  return eb.or([eb(flavor.byteOrder(column), past, id), eb.and([eb(column, '=', id), seq])]);
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
    customCoordinates: row.custom_coordinates === null ? null : fromJson(row.custom_coordinates as Box[] | string),
    createdAt: row.created_at,
    status: row.status as AssetStatus,
  };
}

function searchOf(record: AssetRecord): { search_text: string; search_tags: string } {
  return searchColumns({
    public_id: record.publicId,
    display_name: record.displayName,
    original_filename: record.originalFilename,
    tags: record.tags,
  });
}

function toRow(record: AssetRecord): Omit<Insertable<AssetsTable>, 'seq'> {
  return {
    ...searchOf(record),
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
    custom_coordinates: coordinatesColumn(record),
    created_at: record.createdAt,
    status: record.status,
  };
}

function coordinatesColumn(record: AssetRecord): string | null {
  return record.customCoordinates === null ? null : JSON.stringify(record.customCoordinates);
}

/**
 * Paging cursors: opaque to clients, checked on the way back. Newest-first cursors keep the first version's form
 * (`seq:N`), so a page link handed out before stays good; other orders carry their position and their order.
 */
function encodeCursor(order: AssetOrder, row: Selectable<AssetsTable>): string {
  const seq = Number(row.seq);
  const column = ORDER_COLUMN[order.by];
  const text =
    column === null
      ? order.direction === 'desc'
        ? `seq:${seq}`
        : `${orderName(order)}:${seq}`
      : `${orderName(order)}:${seq}:${column === 'bytes' ? Number(row.bytes) : row.public_id}`;
  return Buffer.from(text).toString('base64url');
}

function decodeCursor(cursor: string, order: AssetOrder): CursorPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const invalid = new UploadError('PARAM_INVALID', 'The cursor is not one this server made for this listing.');
  const plain = /^seq:(\d{1,15})$/.exec(text);
  if (plain?.[1]) {
    if (order.by !== 'published' || order.direction !== 'desc') throw invalid;
    return { seq: Number(plain[1]) };
  }
  const match = /^([a-z_]+-(?:asc|desc)):(\d{1,15})(?::(.*))?$/s.exec(text);
  if (!match?.[2] || match[1] !== orderName(order)) throw invalid;
  const seq = Number(match[2]);
  const column = ORDER_COLUMN[order.by];
  if (column === null) return { seq };
  const value = match[3];
  if (value === undefined || (column === 'bytes' && !/^\d{1,16}$/.test(value))) throw invalid;
  return { seq, value: column === 'bytes' ? Number(value) : value };
}

function orderName(order: AssetOrder): string {
  return `${order.by}-${order.direction}`;
}

/** A primary-key or unique conflict, in either database. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}
