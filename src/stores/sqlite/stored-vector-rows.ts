import { decodeVectorInto } from '../../embedding/vector-codec.js';
import { dotAt } from '../../embedding/vector-math.js';
import type { VectorSearchHit } from '../../spec/vector-store.js';
import { compareHits } from '../compare-hits.js';
import { cachedStatement, type Database } from './open-database.js';

export interface StoredRow {
  row: number;
  id: string;
  vector: Buffer;
  metadata: string;
}

/**
 * The search half of a graph namespace: the rows the graph proposes, read from SQLite and
 * scored exactly against their fp32 vectors (the graph only proposes; SQLite holds the
 * truth), and the exact scan a selective filter falls back to.
 */
export class StoredVectorRows<Metadata> {
  private scratch: Float32Array;

  constructor(
    private readonly database: Database,
    private readonly namespace: string,
    readonly dimensions: number,
  ) {
    this.scratch = new Float32Array(dimensions);
  }

  read(rows: readonly number[]): StoredRow[] {
    if (rows.length === 0) return [];
    return cachedStatement(
      this.database,
      // `+namespace` keeps SQLite on the rowid lookup instead of the namespace index.
      'SELECT rowid AS row, id, vector, metadata FROM vectors WHERE rowid IN (SELECT value FROM json_each(?)) AND +namespace = ?',
    ).all(JSON.stringify(rows), this.namespace) as StoredRow[];
  }

  /** Exact scores of stored rows that pass the filter, best first (ties by id), `limit` at most. */
  score(
    rows: readonly StoredRow[],
    query: Float32Array,
    filter: ((metadata: Metadata) => boolean) | undefined,
    limit = rows.length,
  ): VectorSearchHit<Metadata>[] {
    const hits: VectorSearchHit<Metadata>[] = [];
    for (const stored of rows) {
      const metadata = JSON.parse(stored.metadata) as Metadata;
      if (filter && !filter(metadata)) continue;
      hits.push({ id: stored.id, score: this.scoreBlob(query, stored.vector), metadata });
    }
    return hits.sort(compareHits).slice(0, limit);
  }

  /**
   * The k best of the proposed rows without a filter: scores from the vectors alone, then
   * ids and metadata read for the winners only (and rows tied with the last, so equal
   * scores can still be ordered by id) — a third less to read and decode per query.
   */
  bestOf(proposed: readonly number[], query: Float32Array, k: number): VectorSearchHit<Metadata>[] {
    if (proposed.length === 0) return [];
    const vectors = cachedStatement(
      this.database,
      'SELECT rowid AS row, vector FROM vectors WHERE rowid IN (SELECT value FROM json_each(?)) AND +namespace = ?',
    ).all(JSON.stringify(proposed), this.namespace) as Array<{ row: number; vector: Buffer }>;
    const scored = vectors
      .map(({ row, vector }) => ({ row, score: this.scoreBlob(query, vector) }))
      .sort((left, right) => right.score - left.score);
    const last = scored[Math.min(k, scored.length) - 1]?.score ?? Number.NEGATIVE_INFINITY;
    const winners = scored.filter((entry, index) => index < k || entry.score === last);
    const details = new Map(
      (
        cachedStatement(
          this.database,
          'SELECT rowid AS row, id, metadata FROM vectors WHERE rowid IN (SELECT value FROM json_each(?))',
        ).all(JSON.stringify(winners.map((entry) => entry.row))) as Array<{ row: number; id: string; metadata: string }>
      ).map((detail) => [detail.row, detail]),
    );
    const hits: VectorSearchHit<Metadata>[] = [];
    for (const { row, score } of winners) {
      const detail = details.get(row);
      if (detail) hits.push({ id: detail.id, score, metadata: JSON.parse(detail.metadata) as Metadata });
    }
    return hits.sort(compareHits).slice(0, k);
  }

  /** Exact scores of specific ids (keyword hits the graph did not propose). */
  scoreIds(ids: readonly string[], query: Float32Array): VectorSearchHit<Metadata>[] {
    const rows = cachedStatement(
      this.database,
      'SELECT rowid AS row, id, vector, metadata FROM vectors WHERE namespace = ? AND id IN (SELECT value FROM json_each(?))',
    ).all(this.namespace, JSON.stringify(ids)) as StoredRow[];
    return this.score(rows, query, undefined);
  }

  /** Exact filtered scan straight from SQLite: the answer when the filter rejects nearly all proposals. */
  scan(query: Float32Array, k: number, filter: ((metadata: Metadata) => boolean) | undefined) {
    const best: VectorSearchHit<Metadata>[] = [];
    const rows = this.database
      .prepare('SELECT id, vector, metadata FROM vectors WHERE namespace = ?')
      .iterate(this.namespace) as Iterable<Omit<StoredRow, 'row'>>;
    for (const stored of rows) {
      const metadata = JSON.parse(stored.metadata) as Metadata;
      if (filter && !filter(metadata)) continue;
      const hit = { id: stored.id, score: this.scoreBlob(query, stored.vector), metadata };
      if (best.length === k && compareHits(hit, best[k - 1] as VectorSearchHit<Metadata>) >= 0) continue;
      best.push(hit);
      best.sort(compareHits);
      if (best.length > k) best.pop();
    }
    return best;
  }

  /**
   * Dot product of the query with a stored fp32 blob. better-sqlite3's Buffers are not
   * 4-byte aligned, so the bytes go through one reused scratch array instead of a new
   * Float32Array per candidate.
   */
  scoreBlob(query: Float32Array, blob: Buffer): number {
    return dotAt(query, decodeVectorInto(blob, this.scratch), 0, this.dimensions);
  }
}
