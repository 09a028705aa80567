/**
 * The catalogue's tables as Kysely sees them, and the few things SQLite and PostgreSQL spell differently. Everything
 * else (queries, transactions, migrations, row mapping) is written once against these.
 */
import { type ColumnType, type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';

/** BIGINT: numbers go in; PostgreSQL answers text (far below 2^53 here, so `Number()` is exact). */
type BigInt64 = ColumnType<number | string, number | RawBuilder<number>, number | RawBuilder<number>>;
/** JSON: written as JSON text; SQLite answers that text, PostgreSQL (JSONB) the parsed value. */
type Json<T> = ColumnType<T | string, string, string>;
/** Nullable JSON: SQL NULL for none. */
type NullableJson<T> = ColumnType<T | string | null, string | null, string | null>;

export interface AssetsTable {
  cloud: string;
  resource_type: string;
  type: string;
  public_id: string;
  /** Publication order: every insert and replace takes the next one; paging cursors carry it. */
  seq: BigInt64;
  asset_id: string;
  version: BigInt64;
  version_id: string;
  format: string;
  bytes: BigInt64;
  width: number | null;
  height: number | null;
  etag: string;
  storage_key: string;
  original_filename: string;
  display_name: string;
  folder: string;
  asset_folder: string;
  tags: Json<string[]>;
  context: Json<Record<string, string>>;
  created_at: string;
  status: string;
  /** Public ID, display name and original file name, case-folded (`foldCase`), for searching: written with the row. */
  search_text: string;
  /** The tags, case-folded, as a JSON array. */
  search_tags: Json<string[]>;
  /** `[[x, y, w, h], …]`; NULL = none (every row written before migration 007). */
  custom_coordinates: NullableJson<number[][]>;
}

export interface PresetsTable {
  cloud: string;
  name: string;
  definition: Json<unknown>;
  /** ISO 8601 (TIMESTAMPTZ in PostgreSQL); written, never read. */
  updated_at: string;
}

/** One row per signature the upload endpoint accepted: how often, until when it matters. */
export interface UsedSignaturesTable {
  signature: string;
  expires_at: BigInt64;
  uses: number;
}

/** One row per (signature, signer): how often the signing endpoint gave that signature to that user. */
export interface IssuedSignaturesTable {
  signature: string;
  user_id: string;
  role: string;
  expires_at: BigInt64;
  issues: number;
}

export interface UsersTable {
  id: string;
  role: string;
}

export interface GrantsTable {
  user_id: string;
  folder: string;
  access: string;
}

/** The config file's entry last applied to a user (its digest), so an unchanged file never undoes the admin API. */
export interface ConfigUsersTable {
  id: string;
  digest: string;
}

/** Users the admin API deleted (and nothing created again since): nobody, whoever authenticates them. */
export interface DeletedUsersTable {
  id: string;
  deleted_at: string;
}

/** One row per chunk session shared by instances; `data` is the session store's own JSON text. */
export interface ChunkSessionsTable {
  id: string;
  data: string;
  updated_at: BigInt64;
}

export interface CatalogTables {
  assets: AssetsTable;
  presets: PresetsTable;
  used_signatures: UsedSignaturesTable;
  issued_signatures: IssuedSignaturesTable;
  users: UsersTable;
  grants: GrantsTable;
  config_users: ConfigUsersTable;
  deleted_users: DeletedUsersTable;
  chunk_sessions: ChunkSessionsTable;
}

export type CatalogDb = Kysely<CatalogTables>;

/** What SQLite and PostgreSQL spell differently; one object per dialect, handed to every concern. */
export interface Flavor {
  readonly name: 'sqlite' | 'postgres';
  /** The next publication number, as a value in an INSERT or UPDATE of `assets`. */
  nextSeq(): RawBuilder<number>;
  /** The JSON array column holds `value` (exact). */
  arrayHas(column: 'assets.tags' | 'assets.search_tags', value: string): Expression<SqlBool>;
  /** The text column contains `needle` (exact characters, no wildcards). */
  contains(column: 'assets.search_text', needle: string): Expression<SqlBool>;
  /** Ordering by a text column in byte order, whatever the database's collation (SQLite's own order). */
  byteOrder(column: string): Expression<string>;
  /** SELECT … FOR UPDATE exists: rows read in a transaction can be locked against other instances. SQLite has one
   *  writer at a time (every transaction begins IMMEDIATE), so it needs none. */
  readonly rowLocks: boolean;
  /** Column types for the migrations. */
  readonly jsonType: 'text' | 'jsonb';
}

export const SQLITE: Flavor = {
  name: 'sqlite',
  // Inside the statement, so no other writer (there is none while it runs) can take the same number.
  nextSeq: () => sql<number>`(select coalesce(max(seq), 0) + 1 from assets)`,
  arrayHas: (column, value) =>
    sql<SqlBool>`exists (select 1 from json_each(${sql.ref(column)}) as item where item.value = ${value})`,
  contains: (column, needle) => sql<SqlBool>`instr(${sql.ref(column)}, ${needle}) > 0`,
  byteOrder: (column) => sql.ref(column),
  rowLocks: false,
  jsonType: 'text',
};

export const POSTGRES: Flavor = {
  name: 'postgres',
  nextSeq: () => sql<number>`nextval('assets_seq')`,
  arrayHas: (column, value) => sql<SqlBool>`${sql.ref(column)} @> jsonb_build_array(cast(${value} as text))`,
  contains: (column, needle) => sql<SqlBool>`strpos(${sql.ref(column)}, cast(${needle} as text)) > 0`,
  byteOrder: (column) => sql<string>`${sql.ref(column)} collate "C"`,
  rowLocks: true,
  jsonType: 'jsonb',
};

/**
 * Letter case folded for searching, the same for both databases (whose own `lower` differ: SQLite's folds only ASCII,
 * PostgreSQL's follows the database's locale): done here, when a row is written and on the text searched for.
 */
export function foldCase(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** The search columns of an asset row. */
export function searchColumns(row: {
  public_id: string;
  display_name: string;
  original_filename: string;
  tags: readonly string[];
}): { search_text: string; search_tags: string } {
  return {
    // Newlines never occur in these values, so a search never matches across two of them.
    search_text: foldCase([row.public_id, row.display_name, row.original_filename].join('\n')),
    search_tags: JSON.stringify(row.tags.map(foldCase)),
  };
}

/** JSON as read back from either database. */
export function fromJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** How many rows a statement changed, from Kysely's bigint-or-undefined. */
export function changed(
  result: { numInsertedOrUpdatedRows?: bigint | undefined } | { numUpdatedRows: bigint } | { numDeletedRows: bigint },
): number {
  if ('numDeletedRows' in result) return Number(result.numDeletedRows);
  if ('numUpdatedRows' in result) return Number(result.numUpdatedRows);
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}
