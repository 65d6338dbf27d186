import { categoryNamespace, type KeywordHit, type KeywordSearchOptions } from '../../spec/knowledge-store.js';
import { keywordTokens } from '../../text/keyword-terms.js';
import type { PostgresConnection } from './postgres-connection.js';
import { lexemeLiteral } from './postgres-keyword-rows.js';

/**
 * BM25 exactly as SQLite's FTS5 computes it (fts5_aux.c), so that both stores rank alike:
 *   idf(t)  = ln((N − n(t) + 0.5) / (n(t) + 0.5)), or 1e-6 where that is ≤ 0
 *   score   = Σ idf(t) · f(t,D)·(k1 + 1) / (f(t,D) + k1·(1 − b + b·|D| / avgdl)),  k1 = 1.2, b = 0.75
 * with N and avgdl over the whole namespace and n(t) the rows holding t (counted through the
 * GIN index). Candidates are the rows sharing any query token; ties go by id in byte order.
 */
export async function keywordSearch(
  connection: PostgresConnection,
  query: string,
  options: KeywordSearchOptions,
): Promise<KeywordHit[]> {
  const tokens = [...new Set(keywordTokens(query))];
  if (tokens.length === 0 || options.limit <= 0) return [];
  if (options.categories?.length === 0 || options.documentIds?.length === 0) return [];
  const s = connection.schema;
  const isCategories = options.namespace === categoryNamespace;
  const table = isCategories ? `${s}.categories` : `${s}.chunks`;
  const id = isCategories ? `'category:' || r.name` : 'r.vector_id';
  const filter = isCategories
    ? 'AND ($6::text[] IS NULL OR r.name = ANY($6::text[]))'
    : `AND ($6::text[] IS NULL OR r.document_id IN (SELECT d.id FROM ${s}.documents d JOIN ${s}.categories c ON c.id = d.category_id WHERE c.name = ANY($6::text[])))
       AND ($7::int[] IS NULL OR r.document_id = ANY($7::int[]))`;
  const rows = await connection.query<{ id: string; score: number }>(
    `WITH query AS (
       SELECT token, lexeme::tsquery AS match FROM unnest($1::text[], $2::text[]) AS q(token, lexeme)
     ),
     totals AS (
       SELECT rows::float8 AS n, CASE WHEN rows > 0 THEN tokens::float8 / rows ELSE 1 END AS avgdl
       FROM ${s}.keyword_totals WHERE namespace = $4
     ),
     idf AS (
       SELECT q.token, CASE WHEN x.idf <= 0 THEN 1e-6 ELSE x.idf END AS idf
       FROM query q CROSS JOIN totals t
       CROSS JOIN LATERAL (SELECT count(*)::float8 AS hits FROM ${table} h WHERE h.terms @@ q.match) c
       CROSS JOIN LATERAL (SELECT ln((t.n - c.hits + 0.5) / (c.hits + 0.5)) AS idf) x
     ),
     candidates AS (
       SELECT ${id} AS id, r.terms, r.term_count FROM ${table} r WHERE r.terms @@ $3::tsquery ${filter}
     )
     SELECT m.id, (
         SELECT sum(i.idf * (f.tf * 2.2) / (f.tf + 1.2 * (0.25 + 0.75 * m.term_count / t.avgdl)))
         FROM unnest(m.terms) u JOIN idf i ON i.token = u.lexeme
         CROSS JOIN LATERAL (SELECT coalesce(array_length(u.positions, 1), 1)::float8 AS tf) f
       ) AS score
     FROM candidates m CROSS JOIN totals t
     ORDER BY score DESC, m.id COLLATE "C" LIMIT $5`,
    [
      tokens,
      tokens.map(lexemeLiteral),
      tokens.map(lexemeLiteral).join(' | '),
      isCategories ? 'categories' : 'chunks',
      options.limit,
      options.categories ? [...options.categories] : null,
      ...(isCategories ? [] : [options.documentIds ? [...options.documentIds] : null]),
    ],
  );
  return rows;
}
