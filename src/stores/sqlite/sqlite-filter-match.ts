import type { DocumentFilter, FilterMatch } from '../../spec/knowledge-store.js';
import type { Database } from './open-database.js';

// A document is named by its title, its source, or the source's file name (the last path
// part); JSON lists travel as one parameter each, so a filter of any length is one statement.
const documentNamed = `(d.title = v.value OR d.source = v.value
  OR (substr(d.source, -length(v.value)) = v.value AND substr(d.source, -length(v.value) - 1, 1) IN ('/', '\\')))`;

/** The documents (and their categories) that pass a filter, and the named values that match nothing. */
export function matchFilter(database: Database, filter: DocumentFilter): FilterMatch {
  const listed = (values: readonly string[] | undefined) => (values ? JSON.stringify(values) : null);
  const [categories, documents, tags] = [listed(filter.categories), listed(filter.documents), listed(filter.tags)];
  const unknown = {
    categories: missing(database, categories, 'SELECT 1 FROM categories WHERE name = v.value'),
    documents: missing(database, documents, `SELECT 1 FROM documents d WHERE ${documentNamed}`),
    tags: missing(database, tags, 'SELECT 1 FROM documents d, json_each(d.tags) t WHERE t.value = v.value'),
  };
  if (documents === null && tags === null) {
    const present = (filter.categories ?? []).filter((name) => !unknown.categories.includes(name));
    return { categories: [...new Set(present)].sort(), documentIds: null, unknown };
  }
  const rows = database
    .prepare(
      `SELECT d.id AS id, c.name AS category FROM documents d JOIN categories c ON c.id = d.category_id
       WHERE (@categories IS NULL OR c.name IN (SELECT value FROM json_each(@categories)))
         AND (@documents IS NULL OR EXISTS (SELECT 1 FROM json_each(@documents) v WHERE ${documentNamed}))
         AND (@tags IS NULL OR EXISTS (SELECT 1 FROM json_each(d.tags) t WHERE t.value IN (SELECT value FROM json_each(@tags))))
       ORDER BY d.id`,
    )
    .all({ categories, documents, tags }) as Array<{ id: number; category: string }>;
  return {
    categories: [...new Set(rows.map((row) => row.category))].sort(),
    documentIds: rows.map((row) => row.id),
    unknown,
  };
}

/** The values of a JSON list for which `exists` (a query over `v.value`) finds no row. */
function missing(database: Database, values: string | null, exists: string): string[] {
  if (values === null) return [];
  const rows = database
    .prepare(`SELECT DISTINCT v.value AS value FROM json_each(?) v WHERE NOT EXISTS (${exists})`)
    .all(values) as Array<{ value: string }>;
  return rows.map((row) => row.value);
}
