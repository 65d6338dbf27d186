import type { IntegrityReport } from '../../spec/knowledge-admin.js';
import type { Database } from './open-database.js';

export function checkIntegrity(database: Database): IntegrityReport {
  const count = (sql: string) => (database.prepare(sql).get() as { total: number }).total;
  return {
    integrityCheck: String(database.pragma('integrity_check', { simple: true })),
    chunksWithoutVectors: count(
      'SELECT count(*) AS total FROM chunks k LEFT JOIN vectors v ON v.id = k.vector_id WHERE v.id IS NULL',
    ),
    vectorsWithoutOwners: count(
      `SELECT count(*) AS total FROM vectors v WHERE NOT EXISTS (SELECT 1 FROM chunks k WHERE k.vector_id = v.id)
       AND NOT EXISTS (SELECT 1 FROM categories c WHERE c.vector_id = v.id)`,
    ),
    documentsWithoutChunks: count(
      'SELECT count(*) AS total FROM documents d WHERE NOT EXISTS (SELECT 1 FROM chunks k WHERE k.document_id = d.id)',
    ),
    keywordRowsOutOfStep:
      count(
        'SELECT count(*) AS total FROM chunks k WHERE NOT EXISTS (SELECT 1 FROM chunk_terms t WHERE t.rowid = k.id)',
      ) +
      count(
        'SELECT count(*) AS total FROM chunk_terms t WHERE NOT EXISTS (SELECT 1 FROM chunks k WHERE k.id = t.rowid)',
      ),
    categoriesWithoutVectors: count(
      'SELECT count(*) AS total FROM categories c LEFT JOIN vectors v ON v.id = c.vector_id WHERE v.id IS NULL',
    ),
  };
}
