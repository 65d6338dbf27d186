import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeVector, decodeVectorInto } from '../../embedding/vector-codec.js';
import { dotAt } from '../../embedding/vector-math.js';
import type { VectorSearchHit } from '../../spec/vector-store.js';
import { compareHits } from '../compare-hits.js';
import { type CandidateTuning, SampledNeighbours, tuneCandidates } from '../vector-index/graph-tuning.js';
import {
  defaultConnectivity,
  defaultExpansionAdd,
  HnswGraph,
  type HnswGraphOptions,
} from '../vector-index/hnsw-graph.js';
import { graphCandidates } from '../vector-index/search-plan.js';
import { cachedStatement, type Database } from './open-database.js';

export interface GraphSettings extends Omit<HnswGraphOptions, 'dimensions'> {
  /** Where graph files live; undefined keeps the graph in memory only (`:memory:` databases). */
  directory: string | undefined;
  /** Candidates the graph proposes for exact re-scoring; default: measured at build time (see tune). */
  candidates?: number | undefined;
  /** Recall@10 the measured candidate count aims for. Default 0.99. */
  recallTarget?: number | undefined;
}

/** Vectors added to a graph being built, of how many. */
export type BuildProgress = (done: number, total: number) => void;

/** How the graph came to be in memory, for tests and diagnostics. */
export interface GraphLoadReport {
  how: 'built' | 'loaded';
  /** Changed rows applied from the change log since the graph file was written. */
  replayed: number;
}

interface GraphRow {
  file: string | null;
  fingerprint: string | null;
  candidates: number | null;
  tuned_recall: number | null;
  applied_seq: number;
  config: string;
}

interface StoredRow {
  row: number;
  id: string;
  vector: Buffer;
  metadata: string;
}

const buildBatch = 8192;
/** Stored vectors used as sample queries when measuring the candidate count. */
const tuningSamples = 200;
const tuningK = 10;
/** Graph proposals at most before a filtered search gives up on the graph and scans. */
const maxGraphCandidates = 16_384;

/**
 * One namespace of the SQLite store searched through a persisted HNSW graph (usearch, int8
 * by default) whose keys are the vectors' SQLite rowids. Only the graph is in memory (under
 * 1 KB per 768-d vector); the fp32 vectors and metadata stay in SQLite and are read for the
 * few candidates each query re-scores.
 *
 * The graph file sits beside the database (`<file>-graphs/`), and `vector_graphs` records
 * which file holds the graph and up to which change it is current. Triggers log every later
 * write to the namespace's vectors in `vector_changes`, so opening replays those rows;
 * a fresh build happens only the first time, after the settings change, or when the file
 * is missing or unreadable. Saving is atomic (temporary file + rename) and never moves
 * `applied_seq` backwards, so concurrent processes cannot publish an older graph.
 */
export class GraphNamespace<Metadata> {
  private appliedSeq: number;
  private unsaved: number;
  private file: string | null;
  private scratch = new Float32Array(0);
  /** data_version and total_changes when last refreshed (see refreshIfChanged). */
  private seenState = '';
  /** Candidates measured to reach the recall target on this data (vector_graphs.candidates). */
  private tuning: CandidateTuning | undefined;
  readonly report: GraphLoadReport;

  private constructor(
    private readonly database: Database,
    readonly namespace: string,
    private dimensionsNow: number,
    private readonly settings: GraphSettings,
    private graph: HnswGraph,
    state: {
      appliedSeq: number;
      file: string | null;
      report: GraphLoadReport;
      unsaved: number;
      tuning: CandidateTuning | undefined;
    },
  ) {
    this.tuning = state.tuning;
    this.appliedSeq = state.appliedSeq;
    this.file = state.file;
    this.report = state.report;
    this.unsaved = state.unsaved;
  }

  static open<Metadata>(
    database: Database,
    namespace: string,
    dimensions: number,
    settings: GraphSettings,
    onProgress?: BuildProgress,
  ): GraphNamespace<Metadata> {
    const config = configOf(dimensions, settings);
    const row = readGraphRow(database, namespace);
    const path = row?.file && settings.directory ? join(settings.directory, row.file) : undefined;
    if (row && row.config === config && path && existsSync(path)) {
      try {
        const graph = HnswGraph.load(path, { ...settings, dimensions }, row.fingerprint ?? '');
        const opened = new GraphNamespace<Metadata>(database, namespace, dimensions, settings, graph, {
          appliedSeq: row.applied_seq,
          file: row.file,
          report: { how: 'loaded', replayed: 0 },
          unsaved: 0,
          tuning:
            row.candidates === null
              ? undefined
              : { candidates: row.candidates, recall: row.tuned_recall ?? Number.NaN },
        });
        opened.report.replayed = opened.refresh();
        return opened;
      } catch {
        // A damaged or truncated file (e.g. a disk filled mid-copy): rebuild from SQLite,
        // the source of truth, rather than fail the search.
      }
    }
    return GraphNamespace.build<Metadata>(database, namespace, dimensions, settings, config, onProgress);
  }

  private static build<Metadata>(
    database: Database,
    namespace: string,
    dimensions: number,
    settings: GraphSettings,
    config: string,
    onProgress: BuildProgress | undefined,
  ): GraphNamespace<Metadata> {
    // Register first: from this moment the triggers log writes, so any row changed while we
    // read is replayed later (replaying a row already read is harmless).
    let stale: string | null = null;
    const appliedSeq = database
      .transaction(() => {
        const seq = lastChange(database);
        const previous = readGraphRow(database, namespace);
        if (previous && previous.config !== config) stale = previous.file;
        cachedStatement(
          database,
          `INSERT INTO vector_graphs (namespace, file, applied_seq, config) VALUES (?, NULL, ?, ?)
             ON CONFLICT(namespace) DO UPDATE SET config = excluded.config,
               file = CASE WHEN vector_graphs.config = excluded.config THEN vector_graphs.file END,
               fingerprint = CASE WHEN vector_graphs.config = excluded.config THEN vector_graphs.fingerprint END,
               candidates = NULL, tuned_recall = NULL,
               applied_seq = CASE WHEN vector_graphs.config = excluded.config THEN vector_graphs.applied_seq ELSE excluded.applied_seq END`,
        ).run(namespace, seq, config);
        return seq;
      })
      .immediate();
    // A graph built with other settings is of no further use.
    if (stale && settings.directory) rmSync(join(settings.directory, stale), { force: true });
    const graph = HnswGraph.create({ ...settings, dimensions });
    const total = (
      cachedStatement(database, 'SELECT count(*) AS total FROM vectors WHERE namespace = ?').get(namespace) as {
        total: number;
      }
    ).total;
    const neighbours = pickSamples(database, namespace, dimensions, total);
    onProgress?.(0, total);
    const keys: number[] = [];
    let batch = new Float32Array(buildBatch * dimensions);
    const flush = () => {
      graph.add(keys, batch.subarray(0, keys.length * dimensions));
      neighbours.observe(keys, batch);
      keys.length = 0;
      onProgress?.(graph.size, total);
    };
    const rows = database
      .prepare('SELECT rowid AS row, vector FROM vectors WHERE namespace = ?')
      .iterate(namespace) as Iterable<{ row: number; vector: Buffer }>;
    for (const { row, vector } of rows) {
      if (neighbours.isSample(row)) continue; // held out until tuned, then added
      batch.set(decodeVector(vector, dimensions), keys.length * dimensions);
      keys.push(row);
      if (keys.length === buildBatch) {
        flush();
        batch = new Float32Array(buildBatch * dimensions);
      }
    }
    flush();
    const built = new GraphNamespace<Metadata>(database, namespace, dimensions, settings, graph, {
      appliedSeq,
      file: null,
      report: { how: 'built', replayed: 0 },
      unsaved: graph.size,
      tuning: undefined,
    });
    built.tune(neighbours);
    const heldOut = new Float32Array(neighbours.size * dimensions);
    neighbours.keys.forEach((_, index) => {
      heldOut.set(neighbours.sample(index), index * dimensions);
    });
    graph.add(neighbours.keys, heldOut);
    built.report.replayed = built.refresh();
    built.save();
    return built;
  }

  /** The candidate count in use and the recall measured for it at build time, if measured. */
  get measured(): CandidateTuning | undefined {
    return this.tuning;
  }

  /**
   * Measures, on sample vectors from this namespace, the smallest candidate count whose
   * re-scored results reach the recall target: how many candidates a graph needs depends on
   * the data (tight clusters of near-equal neighbours need many), not only on its size.
   */
  private tune(neighbours: SampledNeighbours): void {
    if (neighbours.size === 0) return;
    this.tuning = tuneCandidates(
      neighbours,
      tuningK,
      this.settings.recallTarget ?? 0.99,
      Math.min(this.size, maxGraphCandidates),
      (sample, candidates) =>
        this.readRows(this.graph.search(sample, candidates))
          .map((stored) => ({ row: stored.row, score: this.scoreBlob(sample, stored.vector) }))
          .sort((left, right) => right.score - left.score)
          .slice(0, tuningK)
          .map((scored) => scored.row),
    );
  }

  get size(): number {
    return this.graph.size;
  }

  get dimensions(): number {
    return this.dimensionsNow;
  }

  /** Bytes per vector this namespace keeps in memory: the graph alone. */
  bytesPerVector(): number {
    return this.graph.bytesPerVector();
  }

  /**
   * Refreshes only when the database changed since the last look: `PRAGMA data_version`
   * moves when another connection commits, `total_changes` when this one writes. Saves three
   * queries per search on an unchanged knowledge base.
   */
  private refreshIfChanged(): void {
    const seen = `${this.database.pragma('data_version', { simple: true })}:${totalChanges(this.database)}`;
    if (seen === this.seenState) return;
    this.refresh();
    this.seenState = `${this.database.pragma('data_version', { simple: true })}:${totalChanges(this.database)}`;
  }

  /**
   * Brings the graph up to date with writes made since it was built or loaded, by this or
   * another process; returns how many rows were re-applied. When another process published
   * a newer file (and may have pruned the log we would need), that file is loaded instead.
   */
  refresh(): number {
    const row = readGraphRow(this.database, this.namespace);
    const stored = storedDimensions(this.database, this.namespace) ?? this.dimensions;
    if (!row || stored !== this.dimensions || row.config !== configOf(this.dimensions, this.settings)) {
      // Dropped by a reindex, rebuilt with other settings, or the vectors changed size
      // (re-embedded at another Matryoshka size): start again from SQLite.
      this.replaceWith(GraphNamespace.open<Metadata>(this.database, this.namespace, stored, this.settings));
      return 0;
    }
    if (row.applied_seq > this.appliedSeq && row.file && row.file !== this.file && this.settings.directory) {
      const path = join(this.settings.directory, row.file);
      if (existsSync(path)) {
        try {
          this.graph = HnswGraph.load(path, { ...this.settings, dimensions: this.dimensions }, row.fingerprint ?? '');
          this.appliedSeq = row.applied_seq;
          this.file = row.file;
          this.unsaved = 0;
          if (row.candidates !== null)
            this.tuning = { candidates: row.candidates, recall: row.tuned_recall ?? Number.NaN };
        } catch {
          // Keep ours and replay what the log still holds.
        }
      }
    }
    // One statement, so the rows and the newest seq come from the same snapshot.
    const logged = cachedStatement(
      this.database,
      'SELECT row, max(seq) AS seq FROM vector_changes WHERE namespace = ? AND seq > ? GROUP BY row',
    ).all(this.namespace, this.appliedSeq) as Array<{ row: number; seq: number }>;
    if (logged.length === 0) return 0;
    const changes = logged.map((change) => change.row);
    const newest = logged.reduce((highest, change) => Math.max(highest, change.seq), this.appliedSeq);
    this.graph.remove(changes);
    for (let start = 0; start < changes.length; start += buildBatch) {
      const slice = changes.slice(start, start + buildBatch);
      const current = this.readRows(slice);
      const vectors = new Float32Array(current.length * this.dimensions);
      current.forEach((stored, index) => {
        vectors.set(decodeVector(stored.vector, this.dimensions), index * this.dimensions);
      });
      this.graph.add(
        current.map((stored) => stored.row),
        vectors,
      );
    }
    this.appliedSeq = newest;
    this.unsaved += changes.length;
    return changes.length;
  }

  /** Best first by exact cosine; equal scores by id. Filtered searches widen the graph's proposals, then scan. */
  search(query: Float32Array, k: number, filter?: (metadata: Metadata) => boolean): VectorSearchHit<Metadata>[] {
    this.refreshIfChanged();
    if (k <= 0 || this.size === 0) return [];
    const candidates = this.settings.candidates ?? this.tuning?.candidates ?? graphCandidates(this.size, k);
    let wanted = Math.min(this.size, Math.max(candidates, 2 * k));
    for (;;) {
      const proposed = this.graph.search(query, wanted);
      const hits = filter ? this.score(this.readRows(proposed), query, filter, k) : this.bestOf(proposed, query, k);
      if (hits.length >= k || (!filter && proposed.length >= Math.min(k, this.size))) return hits.slice(0, k);
      if (wanted >= Math.min(this.size, maxGraphCandidates)) break;
      wanted = Math.min(this.size, maxGraphCandidates, wanted * 4);
    }
    return this.scan(query, k, filter);
  }

  /**
   * The k best of the proposed rows without a filter: scores from the vectors alone, then
   * ids and metadata read for the winners only (and rows tied with the last, so equal
   * scores can still be ordered by id) — a third less to read and decode per query.
   */
  private bestOf(proposed: readonly number[], query: Float32Array, k: number): VectorSearchHit<Metadata>[] {
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

  /** Writes the graph when enough has changed since the last save (or always, with `force`). */
  saveIfWorthIt(force = false): void {
    if (this.unsaved === 0) return;
    if (force || this.unsaved >= Math.max(1000, Math.ceil(this.size / 100))) this.save();
  }

  private save(): void {
    const directory = this.settings.directory;
    if (!directory) return;
    mkdirSync(directory, { recursive: true });
    const file = `${fileSafe(this.namespace)}-${this.appliedSeq}-${randomUUID().slice(0, 8)}.usearch`;
    const fingerprint = this.graph.save(join(directory, file));
    const published = this.database
      .transaction(() => {
        const previous = readGraphRow(this.database, this.namespace);
        const result = cachedStatement(
          this.database,
          `UPDATE vector_graphs SET file = ?, fingerprint = ?, applied_seq = ?,
               candidates = coalesce(?, candidates), tuned_recall = coalesce(?, tuned_recall)
             WHERE namespace = ? AND config = ? AND applied_seq <= ?`,
        ).run(
          file,
          fingerprint,
          this.appliedSeq,
          this.tuning?.candidates ?? null,
          this.tuning?.recall ?? null,
          this.namespace,
          configOf(this.dimensions, this.settings),
          this.appliedSeq,
        );
        if (result.changes === 0) return { ok: false, previous: undefined };
        // Replaying needs only changes after the oldest published graph: this one.
        cachedStatement(this.database, 'DELETE FROM vector_changes WHERE namespace = ? AND seq <= ?').run(
          this.namespace,
          this.appliedSeq,
        );
        return { ok: true, previous: previous?.file ?? undefined };
      })
      .immediate();
    if (!published.ok) {
      rmSync(join(directory, file), { force: true });
      return;
    }
    if (published.previous && published.previous !== file) rmSync(join(directory, published.previous), { force: true });
    removeOlderFiles(directory, this.namespace, this.appliedSeq, file);
    this.file = file;
    this.unsaved = 0;
  }

  private readRows(rows: readonly number[]): StoredRow[] {
    if (rows.length === 0) return [];
    return cachedStatement(
      this.database,
      // `+namespace` keeps SQLite on the rowid lookup instead of the namespace index.
      'SELECT rowid AS row, id, vector, metadata FROM vectors WHERE rowid IN (SELECT value FROM json_each(?)) AND +namespace = ?',
    ).all(JSON.stringify(rows), this.namespace) as StoredRow[];
  }

  /** Exact scores of stored rows that pass the filter, best first (ties by id), `limit` at most. */
  private score(
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
   * Dot product of the query with a stored fp32 blob. better-sqlite3's Buffers are not
   * 4-byte aligned, so the bytes go through one reused scratch array instead of a new
   * Float32Array per candidate.
   */
  private scoreBlob(query: Float32Array, blob: Buffer): number {
    if (this.scratch.length !== this.dimensions) this.scratch = new Float32Array(this.dimensions);
    return dotAt(query, decodeVectorInto(blob, this.scratch), 0, this.dimensions);
  }

  /** Exact filtered scan straight from SQLite: the answer when the filter rejects nearly all proposals. */
  private scan(query: Float32Array, k: number, filter: ((metadata: Metadata) => boolean) | undefined) {
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

  private replaceWith(other: GraphNamespace<Metadata>): void {
    this.graph = other.graph;
    this.dimensionsNow = other.dimensions;
    this.tuning = other.tuning;
    this.appliedSeq = other.appliedSeq;
    this.file = other.file;
    this.unsaved = other.unsaved;
  }
}

/**
 * Up to `tuningSamples` stored vectors spread over the namespace (every n-th rowid through
 * the namespace index, so only the picked rows' vectors are read).
 */
function pickSamples(database: Database, namespace: string, dimensions: number, total: number): SampledNeighbours {
  const neighbours = new SampledNeighbours(dimensions, tuningK);
  // Below a few thousand vectors the graph is searched nearly whole anyway, and holding out
  // 200 samples would change it.
  if (total < 20 * tuningSamples) return neighbours;
  const { span } = cachedStatement(
    database,
    'SELECT max(rowid) - min(rowid) + 1 AS span FROM vectors WHERE namespace = ?',
  ).get(namespace) as { span: number };
  const every = Math.max(1, Math.floor(span / tuningSamples));
  const rows = cachedStatement(
    database,
    'SELECT rowid AS row, vector FROM vectors WHERE namespace = ? AND rowid % ? = 0 LIMIT ?',
  ).all(namespace, every, tuningSamples) as Array<{ row: number; vector: Buffer }>;
  for (const { row, vector } of rows) neighbours.addSample(row, decodeVector(vector, dimensions));
  return neighbours;
}

function totalChanges(database: Database): number {
  return (cachedStatement(database, 'SELECT total_changes() AS changes').get() as { changes: number }).changes;
}

function storedDimensions(database: Database, namespace: string): number | undefined {
  const row = cachedStatement(database, 'SELECT dimensions FROM vectors WHERE namespace = ? LIMIT 1').get(namespace) as
    | { dimensions: number }
    | undefined;
  return row?.dimensions;
}

/**
 * Graph files of this namespace older than the one just published can never be published
 * again (publishing never moves applied_seq back); those left by a reindex or a process that
 * lost a race are deleted. Readers hold graphs in memory, not the files.
 */
function removeOlderFiles(directory: string, namespace: string, publishedSeq: number, published: string): void {
  const prefix = `${fileSafe(namespace)}-`;
  for (const file of readdirSync(directory)) {
    if (file === published || !file.startsWith(prefix) || !file.endsWith('.usearch')) continue;
    const seq = Number(file.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(seq) && seq <= publishedSeq) rmSync(join(directory, file), { force: true });
  }
}

function configOf(dimensions: number, settings: GraphSettings): string {
  const { connectivity = defaultConnectivity, expansionAdd = defaultExpansionAdd, quantization = 'i8' } = settings;
  return JSON.stringify({ dimensions, connectivity, expansionAdd, quantization });
}

function readGraphRow(database: Database, namespace: string): GraphRow | undefined {
  return cachedStatement(
    database,
    'SELECT file, fingerprint, applied_seq, config, candidates, tuned_recall FROM vector_graphs WHERE namespace = ?',
  ).get(namespace) as GraphRow | undefined;
}

/** The last seq ever handed out (AUTOINCREMENT keeps it even after the log is pruned). */
function lastChange(database: Database): number {
  const row = cachedStatement(database, "SELECT seq FROM sqlite_sequence WHERE name = 'vector_changes'").get() as
    | { seq: number }
    | undefined;
  return row?.seq ?? 0;
}

/** Namespaces are free text; file names keep letters, digits, '-' and '_' and a hash-free escape for the rest. */
function fileSafe(namespace: string): string {
  return namespace.replace(/[^A-Za-z0-9_-]/g, (character) => `~${character.codePointAt(0)?.toString(16)}`);
}
