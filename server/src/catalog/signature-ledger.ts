/**
 * The signature ledger in SQL, for SQLite and PostgreSQL alike. Signatures are hex; they are kept in lower case so
 * any letter case finds them.
 */
import { sql } from 'kysely';
import type { Identity, Role } from '../auth/permissions.js';
import type { SignatureLedger } from './catalog.js';
import { type CatalogDb, changed, type Flavor } from './database.js';

export class SqlSignatureLedger implements SignatureLedger {
  readonly #db: CatalogDb;
  readonly #flavor: Flavor;

  constructor(db: CatalogDb, flavor: Flavor) {
    this.#db = db;
    this.#flavor = flavor;
  }

  async issue(signature: string, signer: Identity, expiresAt: number): Promise<void> {
    await this.#db
      .insertInto('issued_signatures')
      .values({
        signature: signature.toLowerCase(),
        user_id: signer.id,
        role: signer.role,
        expires_at: expiresAt,
        issues: 1,
      })
      .onConflict((conflict) =>
        conflict.columns(['signature', 'user_id']).doUpdateSet((eb) => ({
          role: eb.ref('excluded.role'),
          issues: eb('issued_signatures.issues', '+', 1),
          expires_at: later('issued_signatures'),
        })),
      )
      .execute();
  }

  async issued(signature: string): Promise<{ count: number; signers: Identity[] }> {
    const rows = await this.#db
      .selectFrom('issued_signatures')
      .select(['user_id', 'role', 'issues'])
      .where('signature', '=', signature.toLowerCase())
      .orderBy(this.#flavor.byteOrder('user_id'))
      .execute();
    return {
      count: rows.reduce((sum, row) => sum + Number(row.issues), 0),
      signers: rows.map((row) => ({ id: row.user_id, role: row.role as Role })),
    };
  }

  async spend(signature: string, allowed: number, expiresAt: number): Promise<boolean> {
    if (allowed < 1) return false;
    // One statement: the row lock of the conflicting row (PostgreSQL) or the single writer (SQLite) makes the
    // check and the count one step, however many instances spend at once.
    const result = await this.#db
      .insertInto('used_signatures')
      .values({ signature: signature.toLowerCase(), expires_at: expiresAt, uses: 1 })
      .onConflict((conflict) =>
        conflict
          .column('signature')
          .doUpdateSet((eb) => ({ uses: eb('used_signatures.uses', '+', 1), expires_at: later('used_signatures') }))
          .where('used_signatures.uses', '<', allowed),
      )
      .executeTakeFirst();
    return changed(result) === 1;
  }

  async used(signature: string): Promise<number> {
    const row = await this.#db
      .selectFrom('used_signatures')
      .select('uses')
      .where('signature', '=', signature.toLowerCase())
      .executeTakeFirst();
    return Number(row?.uses ?? 0);
  }

  async purge(now: number): Promise<number> {
    const used = await this.#db.deleteFrom('used_signatures').where('expires_at', '<', now).executeTakeFirst();
    const issued = await this.#db.deleteFrom('issued_signatures').where('expires_at', '<', now).executeTakeFirst();
    return changed(used) + changed(issued);
  }
}

/** The later of the stored and the new expiry (no max/greatest spelled the same in both databases). */
function later(table: 'issued_signatures' | 'used_signatures') {
  const stored = sql.ref(`${table}.expires_at`);
  const incoming = sql.ref('excluded.expires_at');
  return sql<number>`case when ${stored} > ${incoming} then ${stored} else ${incoming} end`;
}
