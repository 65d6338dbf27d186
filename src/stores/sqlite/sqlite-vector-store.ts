import { decodeVector, encodeVector } from '../../embedding/vector-codec.js';
import type { SearchDescription } from '../../spec/knowledge-admin.js';
import type { VectorRecord, VectorSearchHit, VectorSearchOptions, VectorStore } from '../../spec/vector-store.js';
import { metadataPredicate } from '../match-where.js';
import { dimensionMismatch, validateRecords } from '../validate-records.js';
import { isUsearchAvailable } from '../vector-index/optional-libraries.js';
import { VectorIndex } from '../vector-index/vector-index.js';
import { type BuildProgress, GraphNamespace, type GraphSettings } from './graph-namespace.js';
import { type Database, openDatabase } from './open-database.js';

const defaultExactUpTo = 20_000;
const defaultGraphFrom = 50_000;

export interface SqliteVectorStoreOptions {
  /**
   * Namespaces up to this size are scanned exactly (~50 ms per 20k 768-d vectors in JS);
   * larger ones use the index's approximate funnel, whose recall depends on how clustered
   * the vectors are (see bench/results). Default 20,000.
   */
  exactUpTo?: number;
  /**
   * From this size a namespace is searched through a persisted HNSW graph (needs the
   * optional usearch package; without it the funnel is used at any size). Default 50,000.
   */
  graphFrom?: number;
  /** Graph settings (connectivity, quantization, candidates); the directory defaults to `<file>-graphs`. */
  graph?: Partial<GraphSettings>;
}

interface LoadedNamespace<Metadata> {
  index: VectorIndex;
  metadata: Map<string, Metadata>;
  dimensions: number;
}

/**
 * Vectors persisted in SQLite (the source of truth), searched three ways by namespace size:
 * - up to `exactUpTo`: read once into a VectorIndex and scanned exactly;
 * - up to `graphFrom`: the same index's compact-code funnel with exact re-scoring;
 * - from `graphFrom` (with usearch installed): a persisted HNSW graph beside the database
 *   proposes candidates, re-scored from the fp32 rows in SQLite (see graph-namespace.ts), so
 *   a million chunks cost under 1 KB each in memory and no rebuild per process.
 * In-memory indexes are dropped when a write touches their namespace; graphs replay the
 * change log instead. The `*InTransaction` methods let the knowledge base write vectors
 * and their chunks in one transaction.
 */
export class SqliteVectorStore<Metadata = Record<string, unknown>> implements VectorStore<Metadata> {
  private readonly cache = new Map<string, LoadedNamespace<Metadata>>();
  private readonly graphs = new Map<string, GraphNamespace<Metadata>>();
  private readonly exactUpTo: number;
  private readonly graphFrom: number;
  private readonly graphSettings: GraphSettings;
  /** `PRAGMA data_version` when the cache was last known current (see forgetOthersWrites). */
  private dataVersion: unknown;

  constructor(
    private readonly database: Database,
    private readonly ownsDatabase = false,
    options: SqliteVectorStoreOptions = {},
  ) {
    this.exactUpTo = options.exactUpTo ?? defaultExactUpTo;
    this.graphFrom = options.graphFrom ?? defaultGraphFrom;
    this.graphSettings = {
      ...options.graph,
      directory: options.graph?.directory ?? (database.memory ? undefined : `${database.name}-graphs`),
    };
  }

  static async open<Metadata = Record<string, unknown>>(
    path: string,
    options: SqliteVectorStoreOptions = {},
  ): Promise<SqliteVectorStore<Metadata>> {
    return new SqliteVectorStore<Metadata>(await openDatabase(path), true, options);
  }

  /**
   * Gets a namespace ready to search now rather than on the first query: builds its graph
   * when it has grown to one (minutes at a million vectors, hence the progress callback) or
   * replays pending writes and saves. Ingest calls this so `ask` never pays the build.
   */
  prepare(namespace: string, onProgress?: BuildProgress): void {
    const graph = this.graphs.get(namespace) ?? this.openGraph(namespace, onProgress);
    if (!graph) return;
    graph.refresh();
    graph.saveIfWorthIt();
  }

  /** How a namespace is searched, read from the file without loading or building anything. */
  describe(namespace: string): SearchDescription {
    const vectors = (
      this.database.prepare('SELECT count(*) AS total FROM vectors WHERE namespace = ?').get(namespace) as {
        total: number;
      }
    ).total;
    const row = this.database
      .prepare(
        `SELECT file, candidates, tuned_recall AS measuredRecall,
           (SELECT count(*) FROM vector_changes c WHERE c.namespace = g.namespace AND c.seq > g.applied_seq) AS pending
         FROM vector_graphs g WHERE namespace = ?`,
      )
      .get(namespace) as
      | { file: string | null; candidates: number | null; measuredRecall: number | null; pending: number }
      | undefined;
    const graphUsable = isUsearchAvailable();
    if (graphUsable && (row || vectors >= this.graphFrom)) {
      return {
        vectors,
        method: 'graph',
        graph: row
          ? {
              file: row.file,
              candidates: row.candidates,
              measuredRecall: row.measuredRecall,
              pendingChanges: row.pending,
            }
          : { file: null, candidates: null, measuredRecall: null, pendingChanges: 0 },
      };
    }
    return { vectors, method: vectors <= this.exactUpTo ? 'exact' : 'funnel' };
  }

  /** The graph serving a namespace, if it is searched through one (for tests and diagnostics). */
  graphOf(namespace: string): GraphNamespace<Metadata> | undefined {
    return this.graphs.get(namespace);
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
    const filter = metadataPredicate(options);
    if (loaded instanceof GraphNamespace) return loaded.search(options.vector, options.topK, filter);
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
    if (loaded instanceof GraphNamespace) return loaded.scoreIds(ids, vector);
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

  /**
   * Forgets cached vectors and graphs, e.g. after a transaction that wrote them was rolled
   * back or every vector was dropped; graphs are re-read from their files when next needed.
   */
  invalidate(): void {
    this.cache.clear();
    this.graphs.clear();
  }

  /** Drops every vector and graph registration (a reindex, inside its transaction). */
  dropAllInTransaction(): void {
    this.database.exec('DELETE FROM vector_graphs; DELETE FROM vector_changes; DELETE FROM vectors;');
    this.invalidate();
  }

  async close(): Promise<void> {
    this.cache.clear();
    // Persist what the graphs replayed, so the next process starts from a current file.
    for (const graph of this.graphs.values()) graph.saveIfWorthIt();
    this.graphs.clear();
    if (this.ownsDatabase) this.database.close();
  }

  private dimensionsOf(namespace: string): number | undefined {
    const row = this.database.prepare('SELECT dimensions FROM vectors WHERE namespace = ? LIMIT 1').get(namespace) as
      | { dimensions: number }
      | undefined;
    return row?.dimensions;
  }

  /**
   * Another process (an `ingest` beside a `serve`) committed since the cache was filled:
   * what it wrote is not in memory. `data_version` moves only on other connections' commits,
   * so this costs one pragma per search. Graphs replay the change log themselves.
   */
  private forgetOthersWrites(): void {
    const version = this.database.pragma('data_version', { simple: true });
    if (version === this.dataVersion) return;
    this.cache.clear();
    this.dataVersion = version;
  }

  private load(namespace: string): LoadedNamespace<Metadata> | GraphNamespace<Metadata> | undefined {
    this.forgetOthersWrites();
    const graph = this.graphs.get(namespace) ?? this.openGraph(namespace);
    if (graph) return graph;
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

  /** A graph when the namespace already has one or has grown to `graphFrom`, and usearch loads. */
  private openGraph(namespace: string, onProgress?: BuildProgress): GraphNamespace<Metadata> | undefined {
    const registered = this.database.prepare('SELECT 1 FROM vector_graphs WHERE namespace = ?').get(namespace);
    if (!registered && (this.cache.has(namespace) || this.graphFrom === Number.POSITIVE_INFINITY)) return undefined;
    if (
      !registered &&
      (
        this.database.prepare('SELECT count(*) AS total FROM vectors WHERE namespace = ?').get(namespace) as {
          total: number;
        }
      ).total < this.graphFrom
    )
      return undefined;
    if (!isUsearchAvailable()) return undefined;
    const dimensions = this.dimensionsOf(namespace);
    if (dimensions === undefined) return undefined;
    const graph = GraphNamespace.open<Metadata>(this.database, namespace, dimensions, this.graphSettings, onProgress);
    this.graphs.set(namespace, graph);
    return graph;
  }
}
