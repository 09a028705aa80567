/** Upload presets in SQL, for SQLite and PostgreSQL alike. */
import type { UploadPreset } from '../presets/definition.js';
import type { PresetCatalog } from './catalog.js';
import { type CatalogDb, changed, type Flavor, fromJson } from './database.js';

export class SqlPresetCatalog implements PresetCatalog {
  readonly #db: CatalogDb;
  readonly #flavor: Flavor;

  constructor(db: CatalogDb, flavor: Flavor) {
    this.#db = db;
    this.#flavor = flavor;
  }

  async get(cloud: string, name: string): Promise<UploadPreset | null> {
    const row = await this.#db
      .selectFrom('presets')
      .select('definition')
      .where('cloud', '=', cloud)
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? fromJson(row.definition as UploadPreset | string) : null;
  }

  async list(cloud: string): Promise<UploadPreset[]> {
    const rows = await this.#db
      .selectFrom('presets')
      .select('definition')
      .where('cloud', '=', cloud)
      .orderBy(this.#flavor.byteOrder('name'))
      .execute();
    return rows.map((row) => fromJson(row.definition as UploadPreset | string));
  }

  async put(cloud: string, preset: UploadPreset): Promise<boolean> {
    const definition = JSON.stringify(preset);
    const updatedAt = new Date().toISOString();
    // Only a concurrent delete between the two statements sends this round again.
    for (;;) {
      const inserted = await this.#db
        .insertInto('presets')
        .values({ cloud, name: preset.name, definition, updated_at: updatedAt })
        .onConflict((conflict) => conflict.columns(['cloud', 'name']).doNothing())
        .executeTakeFirst();
      if (changed(inserted) === 1) return true;
      const updated = await this.#db
        .updateTable('presets')
        .set({ definition, updated_at: updatedAt })
        .where('cloud', '=', cloud)
        .where('name', '=', preset.name)
        .executeTakeFirst();
      if (changed(updated) === 1) return false;
    }
  }

  async delete(cloud: string, name: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('presets')
      .where('cloud', '=', cloud)
      .where('name', '=', name)
      .executeTakeFirst();
    return changed(result) === 1;
  }
}
