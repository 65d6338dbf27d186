import type { VectorRecord, VectorSearchHit, VectorSearchOptions, VectorStore } from '../../spec/vector-store.js';
import { dimensionMismatch, validateRecords } from '../validate-records.js';
import { VectorIndex } from '../vector-index/vector-index.js';
import { type Database, openDatabase } from './open-database.js';
import { decodeVector, encodeVector } from './vector-codec.js';

const defaultExactUpTo = 20_000;

interface LoadedNamespace<Metadata> {
  index: VectorIndex;
  metadata: Map<string, Metadata>;
  dimensions: number;
}

/**
 * Vectors persisted in SQLite (the source of truth), searched in memory: each namespace is
 * read once into a VectorIndex — exact for small namespaces, a compact-code funnel with exact
 * re-scoring for large ones — and kept until a write touches it. The `*InTransaction` methods
 * let the knowledge base write vectors and their chunks in one transaction.
 */
export class SqliteVectorStore<Metadata = Record<string, unknown>> implements VectorStore<Metadata> {
  private readonly cache = new Map<string, LoadedNamespace<Metadata>>();

  constructor(
    private readonly database: Database,
    private readonly ownsDatabase = false,
    /**
     * Namespaces up to this size are scanned exactly (~50 ms per 20k 768-d vectors in JS);
     * larger ones use the index's approximate funnel, whose recall depends on how clustered
     * the vectors are (see bench/results). Default 20,000.
     */
    private readonly exactUpTo = defaultExactUpTo,
  ) {}

  static async open<Metadata = Record<string, unknown>>(
    path: string,
    options: { exactUpTo?: number } = {},
  ): Promise<SqliteVectorStore<Metadata>> {
    return new SqliteVectorStore<Metadata>(await openDatabase(path), true, options.exactUpTo);
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
    const loaded = this.load(options.namespace);
    if (!loaded) return [];
    if (loaded.dimensions !== options.vector.length) {
      throw dimensionMismatch(options.namespace, loaded.dimensions, options.vector.length);
    }
    const { filter } = options;
    const hits = loaded.index.search(
      options.vector,
      options.topK,
      filter ? (id) => filter(loaded.metadata.get(id) as Metadata) : undefined,
    );
    return hits.map((hit) => ({ id: hit.id, score: hit.score, metadata: loaded.metadata.get(hit.id) as Metadata }));
  }

  /** Exact scores of specific records against a query (e.g. keyword hits outside the vector candidates). */
  async score(namespace: string, ids: readonly string[], vector: Float32Array): Promise<VectorSearchHit<Metadata>[]> {
    const loaded = this.load(namespace);
    if (!loaded || ids.length === 0) return [];
    const wanted = new Set(ids);
    return loaded.index
      .search(vector, wanted.size, (id) => wanted.has(id))
      .map((hit) => ({ id: hit.id, score: hit.score, metadata: loaded.metadata.get(hit.id) as Metadata }));
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

  private load(namespace: string): LoadedNamespace<Metadata> | undefined {
    let loaded = this.cache.get(namespace);
    if (!loaded) {
      const rows = this.database
        .prepare('SELECT id, dimensions, vector, metadata FROM vectors WHERE namespace = ? ORDER BY id')
        .all(namespace) as Array<{ id: string; dimensions: number; vector: Buffer; metadata: string }>;
      const first = rows[0];
      if (!first) return undefined;
      const index = new VectorIndex({
        dimensions: first.dimensions,
        mode: rows.length <= this.exactUpTo ? 'exact' : 'auto',
      });
      const metadata = new Map<string, Metadata>();
      index.add(
        rows.map((row) => row.id),
        rows.map((row) => decodeVector(row.vector, row.dimensions)),
      );
      for (const row of rows) metadata.set(row.id, JSON.parse(row.metadata) as Metadata);
      loaded = { index, metadata, dimensions: first.dimensions };
      this.cache.set(namespace, loaded);
    }
    return loaded;
  }
}
