/**
 * The catalogue's schema, one migration set for both databases, applied by Kysely's `Migrator` on open (recorded in
 * `kysely_migration`; in PostgreSQL under an advisory lock, so instances starting together migrate once; each run in
 * one transaction in both databases).
 *
 * 001–003 are the schema the first version wrote by hand (then recorded in a `migrations` table, left in place so an
 * older server can still open the file). They create only what is missing, so on a catalogue of that version they
 * change nothing but what 003 itself fixed; their names and order are those of the old table.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import { type Flavor, fromJson, searchColumns } from './database.js';

// Migrations see the database untyped: the tables they build are what `CatalogTables` describes afterwards.
// biome-ignore lint/suspicious/noExplicitAny: Kysely's own type for migrations.
type Db = Kysely<any>;

export function migrations(flavor: Flavor): Record<string, Migration> {
  const postgres = flavor.name === 'postgres';
  return {
    '001-assets': {
      async up(db: Db) {
        // PostgreSQL numbers publications with a sequence (no lock across instances); SQLite in the statement.
        if (postgres) await sql`create sequence if not exists assets_seq`.execute(db);
        await db.schema
          .createTable('assets')
          .ifNotExists()
          .addColumn('cloud', 'text', (col) => col.notNull())
          .addColumn('resource_type', 'text', (col) => col.notNull())
          .addColumn('type', 'text', (col) => col.notNull())
          .addColumn('public_id', 'text', (col) => col.notNull())
          .addColumn('seq', 'bigint', (col) =>
            postgres ? col.notNull().unique().defaultTo(sql`nextval('assets_seq')`) : col.notNull().unique(),
          )
          .addColumn('asset_id', 'text', (col) => col.notNull().unique())
          .addColumn('version', 'bigint', (col) => col.notNull())
          .addColumn('version_id', 'text', (col) => col.notNull())
          .addColumn('format', 'text', (col) => col.notNull())
          .addColumn('bytes', 'bigint', (col) => col.notNull())
          .addColumn('width', 'integer')
          .addColumn('height', 'integer')
          .addColumn('etag', 'text', (col) => col.notNull())
          .addColumn('storage_key', 'text', (col) => col.notNull().unique())
          .addColumn('original_filename', 'text', (col) => col.notNull())
          .addColumn('display_name', 'text', (col) => col.notNull())
          .addColumn('folder', 'text', (col) => col.notNull())
          .addColumn('asset_folder', 'text', (col) => col.notNull())
          .addColumn('tags', flavor.jsonType, (col) => col.notNull())
          .addColumn('context', flavor.jsonType, (col) => col.notNull())
          .addColumn('created_at', 'text', (col) => col.notNull())
          .addColumn('status', 'text', (col) => col.notNull())
          .addPrimaryKeyConstraint('assets_pkey', ['cloud', 'resource_type', 'type', 'public_id'])
          .execute();
        await db.schema
          .createTable('used_signatures')
          .ifNotExists()
          .addColumn('signature', 'text', (col) => col.primaryKey())
          .addColumn('expires_at', 'bigint', (col) => col.notNull())
          .execute();
        await db.schema
          .createIndex('used_signatures_expiry')
          .ifNotExists()
          .on('used_signatures')
          .column('expires_at')
          .execute();
      },
    },
    '002-presets-moderation': {
      async up(db: Db) {
        await db.schema
          .createTable('presets')
          .ifNotExists()
          .addColumn('cloud', 'text', (col) => col.notNull())
          .addColumn('name', 'text', (col) => col.notNull())
          .addColumn('definition', flavor.jsonType, (col) => col.notNull())
          .addColumn('updated_at', postgres ? 'timestamptz' : 'text', (col) => col.notNull())
          .addPrimaryKeyConstraint('presets_pkey', ['cloud', 'name'])
          .execute();
        await db.schema
          .createIndex('assets_status')
          .ifNotExists()
          .on('assets')
          .columns(['cloud', 'status', 'seq'])
          .execute();
        await db.schema.createIndex('assets_list').ifNotExists().on('assets').columns(['cloud', 'seq']).execute();
      },
    },
    '003-folders-users': {
      async up(db: Db) {
        // An asset's folder is the folder part of its public ID (where its delivery URL puts it); rows from before
        // held only the `folder` parameter. rtrim(x, <every character of x but "/">) keeps x up to its last "/",
        // in both databases.
        const upToSlash = sql`rtrim(public_id, replace(public_id, '/', ''))`;
        const folderPart = sql`case when ${upToSlash} = '' then '' else substr(${upToSlash}, 1, length(${upToSlash}) - 1) end`;
        await sql`update assets set folder = ${folderPart} where folder <> ${folderPart}`.execute(db);
        await db.schema
          .createIndex('assets_folder')
          .ifNotExists()
          .on('assets')
          .columns(['cloud', 'folder', 'seq'])
          .execute();
        await db.schema
          .createTable('users')
          .ifNotExists()
          .addColumn('id', 'text', (col) => col.primaryKey())
          .addColumn('role', 'text', (col) => col.notNull())
          .execute();
        await db.schema
          .createTable('grants')
          .ifNotExists()
          .addColumn('user_id', 'text', (col) => col.notNull())
          .addColumn('folder', 'text', (col) => col.notNull())
          .addColumn('access', 'text', (col) => col.notNull())
          .addPrimaryKeyConstraint('grants_pkey', ['user_id', 'folder'])
          .execute();
        await db.schema
          .createTable('issued_signatures')
          .ifNotExists()
          .addColumn('signature', 'text', (col) => col.notNull())
          .addColumn('user_id', 'text', (col) => col.notNull())
          .addColumn('role', 'text', (col) => col.notNull())
          .addColumn('expires_at', 'bigint', (col) => col.notNull())
          .addPrimaryKeyConstraint('issued_signatures_pkey', ['signature', 'user_id'])
          .execute();
        await db.schema
          .createIndex('issued_signatures_expiry')
          .ifNotExists()
          .on('issued_signatures')
          .column('expires_at')
          .execute();
      },
    },
    '004-ledger-counts-user-provenance': {
      async up(db: Db) {
        // A signature issued or used once before this migration counts once.
        await db.schema
          .alterTable('used_signatures')
          .addColumn('uses', 'integer', (col) => col.notNull().defaultTo(1))
          .execute();
        await db.schema
          .alterTable('issued_signatures')
          .addColumn('issues', 'integer', (col) => col.notNull().defaultTo(1))
          .execute();
        // No digest yet: the next start applies every config entry once (as each start did before) and records it.
        await db.schema
          .createTable('config_users')
          .addColumn('id', 'text', (col) => col.primaryKey())
          .addColumn('digest', 'text', (col) => col.notNull())
          .execute();
        await db.schema
          .createTable('deleted_users')
          .addColumn('id', 'text', (col) => col.primaryKey())
          .addColumn('deleted_at', 'text', (col) => col.notNull())
          .execute();
      },
    },
    '005-asset-search': {
      async up(db: Db) {
        // Case-folded copies for the library's search, folded in JavaScript (database.ts `foldCase`) so both
        // databases agree; existing rows are filled here, in batches.
        await db.schema
          .alterTable('assets')
          .addColumn('search_text', 'text', (col) => col.notNull().defaultTo(''))
          .execute();
        await db.schema
          .alterTable('assets')
          .addColumn('search_tags', flavor.jsonType, (col) =>
            col.notNull().defaultTo(postgres ? sql`'[]'::jsonb` : '[]'),
          )
          .execute();
        for (let after = -1; ; ) {
          const rows = await db
            .selectFrom('assets')
            .select(['seq', 'public_id', 'display_name', 'original_filename', 'tags'])
            .where('seq', '>', after)
            .orderBy('seq')
            .limit(500)
            .execute();
          if (rows.length === 0) break;
          for (const row of rows)
            await db
              .updateTable('assets')
              .set(searchColumns({ ...row, tags: fromJson<string[]>(row.tags) }))
              .where('seq', '=', row.seq)
              .execute();
          after = Number(rows[rows.length - 1].seq);
        }
      },
    },
    '006-chunk-sessions': {
      async up(db: Db) {
        // Text, not JSONB: the session store compares what it wrote, and JSONB would reorder object keys.
        await db.schema
          .createTable('chunk_sessions')
          .addColumn('id', 'text', (col) => col.primaryKey())
          .addColumn('data', 'text', (col) => col.notNull())
          .addColumn('updated_at', 'bigint', (col) => col.notNull())
          .execute();
        await db.schema.createIndex('chunk_sessions_updated').on('chunk_sessions').column('updated_at').execute();
      },
    },
    '007-asset-coordinates': {
      async up(db: Db) {
        // Cloudinary's `custom_coordinates`; NULL (none) for every asset stored before.
        await db.schema.alterTable('assets').addColumn('custom_coordinates', flavor.jsonType).execute();
      },
    },
  };
}
