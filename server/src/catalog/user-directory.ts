/**
 * Users, their grants, and where each came from, in SQL, for SQLite and PostgreSQL alike. In PostgreSQL every
 * change locks the user's row before anything else of that user (grants, the deletion mark), so concurrent changes
 * to one user happen one after the other and never deadlock.
 */
import type { Transaction } from 'kysely';
import type { Access, Grant, Role, User } from '../auth/permissions.js';
import type { ConfigEntry, UserDirectory } from './catalog.js';
import { type CatalogDb, type CatalogTables, changed, type Flavor } from './database.js';

export class SqlUserDirectory implements UserDirectory {
  readonly #db: CatalogDb;
  readonly #flavor: Flavor;

  constructor(db: CatalogDb, flavor: Flavor) {
    this.#db = db;
    this.#flavor = flavor;
  }

  async get(id: string): Promise<User | null> {
    const row = await this.#db.selectFrom('users').select(['id', 'role']).where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const grants = await this.#db
      .selectFrom('grants')
      .select(['folder', 'access'])
      .where('user_id', '=', id)
      .orderBy(this.#flavor.byteOrder('folder'))
      .execute();
    return toUser(row, grants);
  }

  async list(): Promise<User[]> {
    const users = await this.#db
      .selectFrom('users')
      .select(['id', 'role'])
      .orderBy(this.#flavor.byteOrder('id'))
      .execute();
    const grants = await this.#db
      .selectFrom('grants')
      .select(['user_id', 'folder', 'access'])
      .orderBy(this.#flavor.byteOrder('folder'))
      .execute();
    const byUser = new Map<string, typeof grants>();
    for (const grant of grants) byUser.set(grant.user_id, [...(byUser.get(grant.user_id) ?? []), grant]);
    return users.map((row) => toUser(row, byUser.get(row.id) ?? []));
  }

  async put(id: string, role: Role): Promise<boolean> {
    // Only a concurrent first put of the same id sends this round again.
    for (;;) {
      const created = await this.#db.transaction().execute(async (trx) => {
        if (await this.#lockUser(trx, id)) {
          await trx.updateTable('users').set({ role }).where('id', '=', id).execute();
          return false;
        }
        await trx.deleteFrom('deleted_users').where('id', '=', id).execute();
        const inserted = await trx
          .insertInto('users')
          .values({ id, role })
          .onConflict((conflict) => conflict.column('id').doNothing())
          .executeTakeFirst();
        return changed(inserted) === 1 ? true : null;
      });
      if (created !== null) return created;
    }
  }

  async delete(id: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      // Locked first, so a grant given concurrently lands before (and goes with it) or finds no user.
      if (!(await this.#lockUser(trx, id))) return false;
      await trx.deleteFrom('grants').where('user_id', '=', id).execute();
      await trx.deleteFrom('users').where('id', '=', id).execute();
      await trx
        .insertInto('deleted_users')
        .values({ id, deleted_at: new Date().toISOString() })
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({ deleted_at: eb.ref('excluded.deleted_at') })),
        )
        .execute();
      return true;
    });
  }

  async deleted(id: string): Promise<boolean> {
    return (
      (await this.#db.selectFrom('deleted_users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
    );
  }

  async putGrant(userId: string, grant: Grant): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      if (!(await this.#lockUser(trx, userId))) return false;
      await upsertGrant(trx, userId, grant);
      return true;
    });
  }

  async deleteGrant(userId: string, folder: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('grants')
      .where('user_id', '=', userId)
      .where('folder', '=', folder)
      .executeTakeFirst();
    return changed(result) === 1;
  }

  async applyConfig(entry: ConfigEntry, digest: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const applied = await trx
        .selectFrom('config_users')
        .select('digest')
        .where('id', '=', entry.id)
        .$if(this.#flavor.rowLocks, (query) => query.forUpdate())
        .executeTakeFirst();
      if (applied?.digest === digest) return false;
      await trx
        .insertInto('users')
        .values({ id: entry.id, role: entry.role })
        .onConflict((conflict) => conflict.column('id').doUpdateSet({ role: entry.role }))
        .execute();
      await trx.deleteFrom('deleted_users').where('id', '=', entry.id).execute();
      if (entry.grants) {
        const keep = entry.grants.map((grant) => grant.folder);
        await trx
          .deleteFrom('grants')
          .where('user_id', '=', entry.id)
          .$if(keep.length > 0, (query) => query.where('folder', 'not in', keep))
          .execute();
        for (const grant of entry.grants) await upsertGrant(trx, entry.id, grant);
      }
      await trx
        .insertInto('config_users')
        .values({ id: entry.id, digest })
        .onConflict((conflict) => conflict.column('id').doUpdateSet({ digest }))
        .execute();
      return true;
    });
  }

  async forgetConfig(keep: readonly string[]): Promise<number> {
    const result = await this.#db
      .deleteFrom('config_users')
      .$if(keep.length > 0, (query) => query.where('id', 'not in', [...keep]))
      .executeTakeFirst();
    return changed(result);
  }

  /** Whether the user exists; in PostgreSQL its row stays locked until the transaction ends (no delete slips in). */
  async #lockUser(trx: Transaction<CatalogTables>, id: string): Promise<boolean> {
    const row = await trx
      .selectFrom('users')
      .select('id')
      .where('id', '=', id)
      .$if(this.#flavor.rowLocks, (query) => query.forUpdate())
      .executeTakeFirst();
    return row !== undefined;
  }
}

async function upsertGrant(trx: Transaction<CatalogTables>, userId: string, grant: Grant): Promise<void> {
  await trx
    .insertInto('grants')
    .values({ user_id: userId, folder: grant.folder, access: grant.access })
    .onConflict((conflict) => conflict.columns(['user_id', 'folder']).doUpdateSet({ access: grant.access }))
    .execute();
}

function toUser(row: { id: string; role: string }, grants: readonly { folder: string; access: string }[]): User {
  return {
    id: row.id,
    role: row.role as Role,
    grants: grants.map((grant) => ({ folder: grant.folder, access: grant.access as Access })),
  };
}
