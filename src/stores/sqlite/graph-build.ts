import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeVector } from '../../embedding/vector-codec.js';
import { SampledNeighbours } from '../vector-index/graph-tuning.js';
import { HnswGraph, type HnswGraphOptions } from '../vector-index/hnsw-graph.js';
import { lastChange, readGraphRow } from './graph-records.js';
import { cachedStatement, type Database } from './open-database.js';

export const buildBatch = 8192;
/** Stored vectors used as sample queries when measuring the candidate count. */
export const tuningSamples = 200;
export const tuningK = 10;

/**
 * Registers a build in vector_graphs and returns the change it starts from. From this
 * moment the triggers log writes, so any row changed while the build reads is replayed
 * later (replaying a row already read is harmless).
 */
export function registerBuild(
  database: Database,
  namespace: string,
  config: string,
  directory: string | undefined,
): number {
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
  if (stale && directory) rmSync(join(directory, stale), { force: true });
  return appliedSeq;
}

/** A new graph of every stored vector but the tuning samples (held out until tuned, then added). */
export function fillGraph(
  database: Database,
  namespace: string,
  dimensions: number,
  settings: Omit<HnswGraphOptions, 'dimensions'>,
  onProgress: ((done: number, total: number) => void) | undefined,
): { graph: HnswGraph; neighbours: SampledNeighbours } {
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
  return { graph, neighbours };
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
