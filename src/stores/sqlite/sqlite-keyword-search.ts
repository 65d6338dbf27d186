import { categoryNamespace, type KeywordHit, type KeywordSearchOptions } from '../../spec/knowledge-store.js';
import { keywordTokens } from '../../text/keyword-terms.js';
import { categoryVectorId } from '../knowledge-records.js';
import type { Database } from './open-database.js';

/**
 * BM25 over chunk or category tokens with FTS5. Query tokens are OR-ed: a row sharing any
 * one is a candidate, ranked by FTS5's bm25() (negated, so higher is better). The PostgreSQL
 * store computes the same formula in SQL; the knowledge-store contract holds them together.
 */
export function keywordSearch(database: Database, query: string, options: KeywordSearchOptions): KeywordHit[] {
  const tokens = [...new Set(keywordTokens(query))];
  if (tokens.length === 0 || options.limit <= 0) return [];
  const match = tokens.map((token) => `"${token}"`).join(' OR ');
  const categories = options.categories ? JSON.stringify(options.categories) : null;
  if (options.namespace === categoryNamespace) {
    const rows = database
      .prepare(
        `SELECT c.name AS name, -bm25(category_terms) AS score FROM category_terms JOIN categories c ON c.id = category_terms.rowid
         WHERE category_terms MATCH ? AND (? IS NULL OR c.name IN (SELECT value FROM json_each(?)))
         ORDER BY score DESC, c.name LIMIT ?`,
      )
      .all(match, categories, categories, options.limit) as Array<{ name: string; score: number }>;
    return rows.map((row) => ({ id: categoryVectorId(row.name), score: row.score }));
  }
  const documentIds = options.documentIds ? JSON.stringify(options.documentIds) : null;
  return database
    .prepare(
      `SELECT k.vector_id AS id, -bm25(chunk_terms) AS score FROM chunk_terms
       JOIN chunks k ON k.id = chunk_terms.rowid JOIN documents d ON d.id = k.document_id JOIN categories c ON c.id = d.category_id
       WHERE chunk_terms MATCH ?
         AND (? IS NULL OR c.name IN (SELECT value FROM json_each(?)))
         AND (? IS NULL OR k.document_id IN (SELECT value FROM json_each(?)))
       ORDER BY score DESC, k.vector_id LIMIT ?`,
    )
    .all(match, categories, categories, documentIds, documentIds, options.limit) as KeywordHit[];
}
