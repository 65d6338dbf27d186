import type { SearchDescription } from '../../spec/knowledge-admin.js';
import type { Progress } from '../../spec/knowledge-writer.js';
import type { VectorRecord, VectorSearchHit, VectorSearchOptions, VectorStore } from '../../spec/vector-store.js';
import { compareHits } from '../compare-hits.js';
import type { KnowledgeLocation } from '../knowledge-location.js';
import { dimensionMismatch, validateRecords } from '../validate-records.js';
import { PostgresConnection, type Queryable } from './postgres-connection.js';
import { migrate } from './postgres-schema.js';
import {
  hnswIndexName,
  hnswIndexPrefix,
  type IndexedType,
  indexedExpression,
  vectorLiteral,
  whereSql,
} from './postgres-vector-sql.js';
import { writeLock } from './postgres-write-lock.js';

export interface PostgresVectorSearchOptions {
  /**
   * hnsw.ef_search: how many graph neighbours each search keeps; raised to the result count
   * when more results are asked for (retrieval asks for 200 chunks). Default 200: recall@10
   * 0.9975 on 1M clustered 768-d vectors with the build below (docs/postgres.md).
   */
  efSearch?: number;
  /**
   * What the HNSW index holds: `vector` (fp32) or `halfvec` (fp16: half the index, scores
   * re-computed exactly from the fp32 column). Default `vector`.
   */
  indexType?: IndexedType;
  /**
   * HNSW build setting `m` (links per node), used when an index is built. Default 24: with
   * pgvector's 16 (and ef_construction 64) recall@10 at 1M clustered vectors stayed at 0.90
   * even with ef_search 400 (docs/postgres.md).
   */
  m?: number;
  /** HNSW build setting `ef_construction`, used when an index is built. Default 128 (pgvector's is 64). */
  efConstruction?: number;
}

interface Row<Metadata> {
  id: string;
  score: number;
  metadata: Metadata;
}

const defaultEfSearch = 200;
/** pgvector's ceiling for hnsw.ef_search. */
const maxEfSearch = 1000;

/**
 * Vectors in PostgreSQL (pgvector), searched through an HNSW cosine index on the namespace's
 * size once `prepare` built one, exactly before that. `where` filters run inside the index
 * scan (pgvector's iterative scan keeps going until enough rows pass); JavaScript `filter`s
 * widen the fetch until enough pass. Ties are broken by id, like every store.
 */
export class PostgresVectorStore<Metadata = Record<string, unknown>> implements VectorStore<Metadata> {
  private readonly efSearch: number;
  private readonly indexType: IndexedType;
  private readonly build: { m: number; efConstruction: number };

  constructor(
    readonly connection: PostgresConnection,
    private readonly ownsConnection = false,
    options: PostgresVectorSearchOptions = {},
  ) {
    this.efSearch = Math.min(maxEfSearch, Math.max(1, Math.round(options.efSearch ?? defaultEfSearch)));
    this.indexType = options.indexType ?? 'vector';
    const m = Math.round(options.m ?? 24);
    this.build = { m, efConstruction: Math.max(2 * m, Math.round(options.efConstruction ?? 128)) };
    if (!(m >= 2 && m <= 100)) throw new RangeError(`HNSW m must be from 2 to 100; got ${options.m}.`);
  }

  /** A store of its own over a knowledge base's schema (created if needed). */
  static async open<Metadata = Record<string, unknown>>(
    location: Extract<KnowledgeLocation, { kind: 'postgres' }>,
    options: PostgresVectorSearchOptions = {},
  ): Promise<PostgresVectorStore<Metadata>> {
    const connection = await PostgresConnection.open(location);
    try {
      await migrate(connection, { create: true });
    } catch (error) {
      await connection.close();
      throw error;
    }
    return new PostgresVectorStore<Metadata>(connection, true, options);
  }

  private get table(): string {
    return `${this.connection.schema}.vectors`;
  }

  async upsert(records: readonly VectorRecord<Metadata>[]): Promise<void> {
    await this.connection.transaction((client) => this.upsertWith(client, records));
  }

  /** Validates the whole batch, then writes it on `client` (inside the caller's transaction). */
  async upsertWith(client: Queryable, records: readonly VectorRecord<Metadata>[]): Promise<void> {
    if (records.length === 0) return;
    const stored = new Map<string, number | undefined>();
    for (const namespace of new Set(records.map((record) => record.namespace))) {
      stored.set(namespace, await this.dimensionsOf(namespace, client));
    }
    validateRecords(records, (namespace) => stored.get(namespace));
    await this.connection.query(
      `INSERT INTO ${this.table} (id, namespace, dimensions, embedding, metadata)
       SELECT id, namespace, dimensions, embedding::vector, metadata::jsonb
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[]) AS r(id, namespace, dimensions, embedding, metadata)
       ON CONFLICT (id) DO UPDATE SET namespace = excluded.namespace, dimensions = excluded.dimensions,
         embedding = excluded.embedding, metadata = excluded.metadata`,
      [
        records.map((record) => record.id),
        records.map((record) => record.namespace),
        records.map((record) => record.vector.length),
        records.map((record) => vectorLiteral(record.vector)),
        records.map((record) => JSON.stringify(record.metadata)),
      ],
      client,
    );
  }

  async search(options: VectorSearchOptions<Metadata>): Promise<VectorSearchHit<Metadata>[]> {
    if (options.topK <= 0) return [];
    const dimensions = options.vector.length;
    const where = whereSql(options.where, this.connection.escapeLiteral);
    const { filter, topK } = options;
    let limit = filter ? Math.max(4 * topK, 40) : topK + 1;
    for (;;) {
      const rows = where === undefined ? [] : await this.nearest(options.namespace, options.vector, where, limit, true);
      if (rows.length === 0) await this.checkDimensions(options.namespace, dimensions);
      const kept = (filter ? rows.filter((row) => filter(row.metadata)) : rows).sort(compareHits);
      if (rows.length < limit) {
        // The index scan ended early: all rows seen, or pgvector's scan budget spent on a
        // filter few rows pass. In the second case only an exact scan can find the rest.
        if (kept.length < topK && where !== undefined && rows.length < (await this.countWhere(options, where))) {
          const exact = await this.nearest(options.namespace, options.vector, where, null, false);
          return (filter ? exact.filter((row) => filter(row.metadata)) : exact).sort(compareHits).slice(0, topK);
        }
        return kept.slice(0, topK);
      }
      // Enough rows, and none unseen can tie with the last kept one: done.
      const last = kept[topK - 1];
      const lowest = rows.reduce((min, row) => Math.min(min, row.score), Number.POSITIVE_INFINITY);
      if (last && lowest < last.score) return kept.slice(0, topK);
      limit *= 4;
    }
  }

  /** Exact scores of specific records against a query (e.g. keyword hits outside the vector candidates). */
  async score(namespace: string, ids: readonly string[], vector: Float32Array): Promise<VectorSearchHit<Metadata>[]> {
    if (ids.length === 0) return [];
    const rows = await this.connection.query<Row<Metadata>>(
      `SELECT id, 1 - (embedding <=> $1::vector) AS score, metadata FROM ${this.table}
       WHERE namespace = $2 AND dimensions = $3 AND id = ANY($4::text[])`,
      [vectorLiteral(vector), namespace, vector.length, [...ids]],
    );
    return rows.sort(compareHits);
  }

  async delete(ids: readonly string[]): Promise<number> {
    return this.connection.transaction((client) => this.deleteWith(client, ids));
  }

  async deleteWith(client: Queryable, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await this.connection.query<{ id: string }>(
      `DELETE FROM ${this.table} WHERE id = ANY($1::text[]) RETURNING id`,
      [[...ids]],
      client,
    );
    return rows.length;
  }

  async count(namespace?: string): Promise<number> {
    const [row] = await this.connection.query<{ total: number }>(
      namespace === undefined
        ? `SELECT count(*)::int AS total FROM ${this.table}`
        : `SELECT count(*)::int AS total FROM ${this.table} WHERE namespace = $1`,
      namespace === undefined ? [] : [namespace],
    );
    return row?.total ?? 0;
  }

  /**
   * Builds the namespace's HNSW index if its vectors have none yet (and drops indexes for a
   * size it no longer holds, after a reindex to other dimensions). Later inserts keep the
   * index current, so this is cheap once done. Progress is polled from PostgreSQL.
   */
  async prepare(namespace: string, onProgress?: Progress): Promise<void> {
    const dimensions = await this.dimensionsOf(namespace);
    const wanted = dimensions === undefined ? undefined : hnswIndexName(namespace, dimensions, this.indexType);
    const existing = await this.hnswIndexes(namespace);
    if (existing.length === (wanted ? 1 : 0) && (!wanted || existing.includes(wanted))) return;
    const total = await this.count(namespace);
    onProgress?.(0, total);
    const polling = onProgress ? this.pollBuildProgress(onProgress) : undefined;
    try {
      await this.connection.transaction(async (client) => {
        await writeLock(this.connection, client);
        for (const name of await this.hnswIndexes(namespace, client)) {
          if (name !== wanted) await this.connection.query(`DROP INDEX ${this.connection.schema}.${name}`, [], client);
        }
        if (wanted && dimensions !== undefined) {
          await this.connection.query(
            `CREATE INDEX IF NOT EXISTS ${wanted} ON ${this.table} USING hnsw (${indexedExpression(dimensions, this.indexType)} ${this.indexType}_cosine_ops)
             WITH (m = ${this.build.m}, ef_construction = ${this.build.efConstruction})
             WHERE namespace = ${this.connection.escapeLiteral(namespace)} AND dimensions = ${dimensions}`,
            [],
            client,
          );
        }
      });
    } finally {
      polling?.stop();
    }
    onProgress?.(total, total);
  }

  /** How a namespace is searched. */
  async describe(namespace: string): Promise<SearchDescription> {
    const vectors = await this.count(namespace);
    const dimensions = await this.dimensionsOf(namespace);
    const wanted = dimensions === undefined ? undefined : hnswIndexName(namespace, dimensions, this.indexType);
    const indexes = await this.hnswIndexes(namespace);
    if (wanted && indexes.includes(wanted)) {
      return { vectors, method: 'hnsw', hnsw: { index: wanted, efSearch: this.efSearch } };
    }
    return { vectors, method: 'exact' };
  }

  /** Drops every vector (a reindex, inside its transaction); indexes stay and follow the rows. */
  async dropAllWith(client: Queryable): Promise<void> {
    await this.connection.query(`DELETE FROM ${this.table}`, [], client);
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.connection.close();
  }

  async dimensionsOf(namespace: string, client?: Queryable): Promise<number | undefined> {
    const [row] = await this.connection.query<{ dimensions: number }>(
      `SELECT dimensions FROM ${this.table} WHERE namespace = $1 LIMIT 1`,
      [namespace],
      client,
    );
    return row?.dimensions;
  }

  /**
   * The nearest rows, best first by the index's (approximate) order; `limit` null for all.
   * `useIndex` repeats the index expression so PostgreSQL can use the HNSW index; without it
   * the scan is exact. Scores always come from the fp32 column.
   */
  private nearest(
    namespace: string,
    vector: Float32Array,
    where: string,
    limit: number | null,
    useIndex: boolean,
  ): Promise<Row<Metadata>[]> {
    const dimensions = vector.length;
    const query = `'${vectorLiteral(vector)}'`;
    const order = useIndex
      ? `${indexedExpression(dimensions, this.indexType)} <=> ${query}::${this.indexType}(${dimensions})`
      : `embedding <=> ${query}::vector`;
    const efSearch = Math.min(maxEfSearch, Math.max(this.efSearch, limit ?? 0));
    return this.connection.script<Row<Metadata>>(
      `BEGIN READ ONLY;
       SET LOCAL hnsw.ef_search = ${efSearch};
       SET LOCAL hnsw.iterative_scan = relaxed_order;
       SELECT id, 1 - (embedding <=> ${query}::vector) AS score, metadata FROM ${this.table}
       WHERE namespace = ${this.connection.escapeLiteral(namespace)} AND dimensions = ${dimensions}${where}
       ORDER BY ${order}${limit === null ? '' : ` LIMIT ${limit}`};
       COMMIT;`,
    );
  }

  private async countWhere(options: VectorSearchOptions<Metadata>, where: string): Promise<number> {
    const [row] = await this.connection.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM ${this.table} WHERE namespace = $1 AND dimensions = $2${where}`,
      [options.namespace, options.vector.length],
    );
    return row?.total ?? 0;
  }

  private async checkDimensions(namespace: string, dimensions: number): Promise<void> {
    const stored = await this.dimensionsOf(namespace);
    if (stored !== undefined && stored !== dimensions) throw dimensionMismatch(namespace, stored, dimensions);
  }

  private async hnswIndexes(namespace: string, client?: Queryable): Promise<string[]> {
    const rows = await this.connection.query<{ name: string }>(
      `SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1 AND tablename = 'vectors' AND starts_with(indexname, $2)`,
      [this.connection.schemaName, hnswIndexPrefix(namespace)],
      client,
    );
    return rows.map((row) => row.name);
  }

  /** Reports pgvector's build progress every second; best effort (a busy server may not answer). */
  private pollBuildProgress(onProgress: Progress): { stop(): void } {
    let stopped = false;
    const timer = setInterval(() => {
      this.connection
        .query<{ done: number; total: number }>(
          `SELECT tuples_done::float8 AS done, tuples_total::float8 AS total FROM pg_stat_progress_create_index
           WHERE relid = to_regclass($1)`,
          [this.table],
        )
        .then(([row]) => {
          if (!stopped && row && row.total > 0) onProgress(Math.min(row.done, row.total), row.total);
        })
        .catch(() => {});
    }, 1000);
    timer.unref();
    return {
      stop: () => {
        stopped = true;
        clearInterval(timer);
      },
    };
  }
}
