import type { DocumentFilter, FilterMatch } from '../../spec/knowledge-store.js';
import type { PostgresConnection } from './postgres-connection.js';

// As in SQLite (sqlite-filter-match.ts): a document is named by its title, its source, or the
// source's file name.
const documentNamed = `(d.title = v OR d.source = v
  OR (right(d.source, length(v)) = v AND substr(d.source, length(d.source) - length(v), 1) IN ('/', '\\')))`;

/** The documents (and their categories) that pass a filter, and the named values that match nothing. */
export async function matchFilter(connection: PostgresConnection, filter: DocumentFilter): Promise<FilterMatch> {
  const s = connection.schema;
  const listed = (values: readonly string[] | undefined) => (values ? [...values] : null);
  const [categories, documents, tags] = [listed(filter.categories), listed(filter.documents), listed(filter.tags)];
  const unknown = {
    categories: await missing(connection, categories, `SELECT 1 FROM ${s}.categories WHERE name = v`),
    documents: await missing(connection, documents, `SELECT 1 FROM ${s}.documents d WHERE ${documentNamed}`),
    tags: await missing(connection, tags, `SELECT 1 FROM ${s}.documents d WHERE d.tags @> ARRAY[v]`),
  };
  if (documents === null && tags === null) {
    const present = (categories ?? []).filter((name) => !unknown.categories.includes(name));
    return { categories: [...new Set(present)].sort(), documentIds: null, unknown };
  }
  const rows = await connection.query<{ id: number; category: string }>(
    `SELECT d.id AS id, c.name AS category FROM ${s}.documents d JOIN ${s}.categories c ON c.id = d.category_id
     WHERE ($1::text[] IS NULL OR c.name = ANY($1::text[]))
       AND ($2::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($2::text[]) v WHERE ${documentNamed}))
       AND ($3::text[] IS NULL OR d.tags && $3::text[])
     ORDER BY d.id`,
    [categories, documents, tags],
  );
  return {
    categories: [...new Set(rows.map((row) => row.category))].sort(),
    documentIds: rows.map((row) => row.id),
    unknown,
  };
}

/** The values for which `exists` (a query over `v`) finds no row. */
async function missing(connection: PostgresConnection, values: string[] | null, exists: string): Promise<string[]> {
  if (values === null) return [];
  const rows = await connection.query<{ value: string }>(
    `SELECT DISTINCT v AS value FROM unnest($1::text[]) v WHERE NOT EXISTS (${exists}) ORDER BY 1`,
    [values],
  );
  return rows.map((row) => row.value);
}
