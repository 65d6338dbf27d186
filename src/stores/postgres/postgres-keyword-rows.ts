import type { PostgresConnection, Queryable } from './postgres-connection.js';

// Keyword tokens as PostgreSQL keeps them: a tsvector whose positions give each token's
// frequency, and per-namespace totals that BM25 needs (row count, total length).

/** tsvector keeps at most 256 positions per lexeme, each at most 16383. */
const maxPositions = 256;
const maxPosition = 16_383;

/** The tsvector text form of a token sequence: every token verbatim (no parser, no stemming). */
export function tsvectorLiteral(tokens: readonly string[]): string {
  const positions = new Map<string, number[]>();
  tokens.forEach((token, index) => {
    const list = positions.get(token) ?? [];
    const position = Math.min(index + 1, maxPosition);
    if (list.length < maxPositions && list.at(-1) !== position) list.push(position);
    positions.set(token, list);
  });
  return [...positions].map(([token, list]) => `${lexemeLiteral(token)}:${list.join(',')}`).join(' ');
}

/** One token as a tsquery/tsvector lexeme: quoted, with quotes doubled and backslashes escaped. */
export function lexemeLiteral(token: string): string {
  return `'${token.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

export type KeywordNamespace = 'chunks' | 'categories';

/** Adds (or with negative numbers, removes) rows and tokens to a namespace's totals. */
export async function adjustKeywordTotals(
  connection: PostgresConnection,
  client: Queryable,
  namespace: KeywordNamespace,
  rows: number,
  tokens: number,
): Promise<void> {
  if (rows === 0 && tokens === 0) return;
  await connection.query(
    `UPDATE ${connection.schema}.keyword_totals SET rows = rows + $2, tokens = tokens + $3 WHERE namespace = $1`,
    [namespace, rows, tokens],
    client,
  );
}
