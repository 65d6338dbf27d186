import type { IntegrityReport } from '../../spec/knowledge-admin.js';
import type { PostgresConnection } from './postgres-connection.js';

/** The same checks as on SQLite; `integrityCheck` covers what PostgreSQL itself cannot guarantee here. */
export async function checkIntegrity(connection: PostgresConnection): Promise<IntegrityReport> {
  const s = connection.schema;
  const count = async (sql: string) => (await connection.query<{ total: number }>(sql))[0]?.total ?? 0;
  const problems: string[] = [];
  const misSized = await count(
    `SELECT count(*)::int AS total FROM ${s}.vectors WHERE vector_dims(embedding) <> dimensions`,
  );
  if (misSized > 0) problems.push(`${misSized} vectors whose size differs from their recorded dimensions`);
  const invalid = await connection.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = to_regclass($1) AND NOT i.indisvalid`,
    [`${s}.vectors`],
  );
  if (invalid.length > 0) problems.push(`invalid indexes: ${invalid.map((row) => row.name).join(', ')}`);
  return {
    integrityCheck: problems.length === 0 ? 'ok' : problems.join('; '),
    chunksWithoutVectors: await count(
      `SELECT count(*)::int AS total FROM ${s}.chunks k LEFT JOIN ${s}.vectors v ON v.id = k.vector_id WHERE v.id IS NULL`,
    ),
    vectorsWithoutOwners: await count(
      `SELECT count(*)::int AS total FROM ${s}.vectors v WHERE NOT EXISTS (SELECT 1 FROM ${s}.chunks k WHERE k.vector_id = v.id)
       AND NOT EXISTS (SELECT 1 FROM ${s}.categories c WHERE c.vector_id = v.id)`,
    ),
    documentsWithoutChunks: await count(
      `SELECT count(*)::int AS total FROM ${s}.documents d WHERE NOT EXISTS (SELECT 1 FROM ${s}.chunks k WHERE k.document_id = d.id)`,
    ),
    categoriesWithoutVectors: await count(
      `SELECT count(*)::int AS total FROM ${s}.categories c LEFT JOIN ${s}.vectors v ON v.id = c.vector_id WHERE v.id IS NULL`,
    ),
    // Terms live in their rows here; what can drift is the totals BM25 divides by.
    keywordRowsOutOfStep: await count(
      `SELECT coalesce(sum(abs(t.rows - x.rows) + abs(t.tokens - x.tokens)), 0)::int AS total FROM ${s}.keyword_totals t
       JOIN (SELECT 'chunks' AS namespace, count(*) AS rows, coalesce(sum(term_count), 0) AS tokens FROM ${s}.chunks
             UNION ALL
             SELECT 'categories', count(*), coalesce(sum(term_count), 0) FROM ${s}.categories) x USING (namespace)`,
    ),
  };
}
