/**
 * Opens the configured catalogue. PostgreSQL loads only when configured: it would cost every embedded server RSS.
 */
import type { Catalog } from './catalog.js';
import { narrow } from './legacy.js';
import { SqliteCatalog } from './sqlite.js';

export type CatalogOptions =
  | { kind: 'sqlite' /** A path, or ':memory:'. */; file: string }
  | {
      kind: 'postgres';
      /** `postgres://user:password@host:port/database` (any libpq-style URL `pg` understands). */
      url: string;
      /** Tables live in this schema (created when missing); default: the connection's search_path (`public`). */
      schema?: string | undefined;
      /** Pool size; default 10. */
      max?: number | undefined;
    };

export async function openCatalog(options: CatalogOptions): Promise<Catalog> {
  if (options.kind === 'sqlite') return narrow(new SqliteCatalog(options.file));
  const { PostgresCatalog } = await import('./postgres.js');
  return narrow(
    await PostgresCatalog.open({
      url: options.url,
      schema: options.schema,
      ...(options.max ? { max: options.max } : {}),
    }),
  );
}
