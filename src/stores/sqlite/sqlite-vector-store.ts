import { cosineSimilarity } from '../../embedding/vector-math.js';
import type { VectorRecord, VectorSearchHit, VectorSearchOptions, VectorStore } from '../../spec/vector-store.js';
import { compareHits } from '../memory/memory-vector-store.js';
import { dimensionMismatch, validateRecords } from '../validate-records.js';
import { type Database, openDatabase } from './open-database.js';
import { decodeVector, encodeVector } from './vector-codec.js';

interface CachedRecord<Metadata> {
  id: string;
  vector: Float32Array;
  metadata: Metadata;
}

/**
 * Vectors persisted in SQLite, searched exactly in memory: each namespace is read once
 * into Float32Arrays and kept until a write touches it. The `*InTransaction` methods let
 * the knowledge base write vectors and their chunks in one transaction.
 */
export class SqliteVectorStore<Metadata = Record<string, unknown>> implements VectorStore<Metadata> {
  private readonly cache = new Map<string, CachedRecord<Metadata>[]>();

  constructor(
    private readonly database: Database,
    private readonly ownsDatabase = false,
  ) {}

  static async open<Metadata = Record<string, unknown>>(path: string): Promise<SqliteVectorStore<Metadata>> {
    return new SqliteVectorStore<Metadata>(await openDatabase(path), true);
  }

  async upsert(records: readonly VectorRecord<Metadata>[]): Promise<void> {
    this.database.transaction(() => this.upsertInTransaction(records))();
  }

  /** Validates the whole batch, then writes it; call inside a transaction for atomicity. */
  upsertInTransaction(records: readonly VectorRecord<Metadata>[]): void {
    validateRecords(records, (namespace) => this.dimensionsOf(namespace));
    const statement = this.database.prepare(
      'INSERT INTO vectors (id, namespace, dimensions, vector, metadata) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET namespace = excluded.namespace, dimensions = excluded.dimensions, vector = excluded.vector, metadata = excluded.metadata',
    );
    for (const record of records) {
      statement.run(
        record.id,
        record.namespace,
        record.vector.length,
        encodeVector(record.vector),
        JSON.stringify(record.metadata),
      );
      this.cache.delete(record.namespace);
    }
  }

  async search(options: VectorSearchOptions<Metadata>): Promise<VectorSearchHit<Metadata>[]> {
    if (options.topK <= 0) return [];
    const records = this.load(options.namespace);
    const first = records[0];
    if (first && first.vector.length !== options.vector.length) {
      throw dimensionMismatch(options.namespace, first.vector.length, options.vector.length);
    }
    const hits: VectorSearchHit<Metadata>[] = [];
    for (const record of records) {
      if (options.filter && !options.filter(record.metadata)) continue;
      hits.push({ id: record.id, score: cosineSimilarity(options.vector, record.vector), metadata: record.metadata });
    }
    hits.sort(compareHits);
    return hits.slice(0, options.topK);
  }

  async delete(ids: readonly string[]): Promise<number> {
    return this.database.transaction(() => this.deleteInTransaction(ids))();
  }

  deleteInTransaction(ids: readonly string[]): number {
    const statement = this.database.prepare('DELETE FROM vectors WHERE id = ? RETURNING namespace');
    let deleted = 0;
    for (const id of ids) {
      const row = statement.get(id) as { namespace: string } | undefined;
      if (row) {
        deleted++;
        this.cache.delete(row.namespace);
      }
    }
    return deleted;
  }

  async count(namespace?: string): Promise<number> {
    const row = (
      namespace === undefined
        ? this.database.prepare('SELECT count(*) AS total FROM vectors').get()
        : this.database.prepare('SELECT count(*) AS total FROM vectors WHERE namespace = ?').get(namespace)
    ) as { total: number };
    return row.total;
  }

  /** Forgets cached vectors, e.g. after a transaction that wrote them was rolled back. */
  invalidate(): void {
    this.cache.clear();
  }

  async close(): Promise<void> {
    this.cache.clear();
    if (this.ownsDatabase) this.database.close();
  }

  private dimensionsOf(namespace: string): number | undefined {
    const row = this.database.prepare('SELECT dimensions FROM vectors WHERE namespace = ? LIMIT 1').get(namespace) as
      | { dimensions: number }
      | undefined;
    return row?.dimensions;
  }

  private load(namespace: string): CachedRecord<Metadata>[] {
    let records = this.cache.get(namespace);
    if (!records) {
      const rows = this.database
        .prepare('SELECT id, dimensions, vector, metadata FROM vectors WHERE namespace = ?')
        .all(namespace) as Array<{ id: string; dimensions: number; vector: Buffer; metadata: string }>;
      records = rows.map((row) => ({
        id: row.id,
        vector: decodeVector(row.vector, row.dimensions),
        metadata: JSON.parse(row.metadata) as Metadata,
      }));
      this.cache.set(namespace, records);
    }
    return records;
  }
}
