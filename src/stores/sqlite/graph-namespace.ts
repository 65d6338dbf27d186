import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeVector } from '../../embedding/vector-codec.js';
import type { VectorSearchHit } from '../../spec/vector-store.js';
import { type CandidateTuning, type SampledNeighbours, tuneCandidates } from '../vector-index/graph-tuning.js';
import { HnswGraph, type HnswGraphOptions } from '../vector-index/hnsw-graph.js';
import { graphCandidates } from '../vector-index/search-plan.js';
import { buildBatch, fillGraph, registerBuild, tuningK } from './graph-build.js';
import { configOf, fileSafe, readGraphRow, removeOlderFiles, storedDimensions, totalChanges } from './graph-records.js';
import { cachedStatement, type Database } from './open-database.js';
import { StoredVectorRows } from './stored-vector-rows.js';

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
  /** Reads and scores the rows the graph proposes (the search half). */
  private rows: StoredVectorRows<Metadata>;
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
    this.rows = new StoredVectorRows(database, namespace, dimensionsNow);
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
    const appliedSeq = registerBuild(database, namespace, config, settings.directory);
    const { graph, neighbours } = fillGraph(database, namespace, dimensions, settings, onProgress);
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
        this.rows
          .read(this.graph.search(sample, candidates))
          .map((stored) => ({ row: stored.row, score: this.rows.scoreBlob(sample, stored.vector) }))
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
      const current = this.rows.read(slice);
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
      const hits = filter
        ? this.rows.score(this.rows.read(proposed), query, filter, k)
        : this.rows.bestOf(proposed, query, k);
      if (hits.length >= k || (!filter && proposed.length >= Math.min(k, this.size))) return hits.slice(0, k);
      if (wanted >= Math.min(this.size, maxGraphCandidates)) break;
      wanted = Math.min(this.size, maxGraphCandidates, wanted * 4);
    }
    return this.rows.scan(query, k, filter);
  }

  /** Exact scores of specific ids (keyword hits the graph did not propose). */
  scoreIds(ids: readonly string[], query: Float32Array): VectorSearchHit<Metadata>[] {
    return this.rows.scoreIds(ids, query);
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

  private replaceWith(other: GraphNamespace<Metadata>): void {
    this.graph = other.graph;
    this.dimensionsNow = other.dimensions;
    this.rows = other.rows;
    this.tuning = other.tuning;
    this.appliedSeq = other.appliedSeq;
    this.file = other.file;
    this.unsaved = other.unsaved;
  }
}
