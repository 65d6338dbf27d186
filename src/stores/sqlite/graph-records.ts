import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConnectivity, defaultExpansionAdd, type HnswGraphOptions } from '../vector-index/hnsw-graph.js';
import { cachedStatement, type Database } from './open-database.js';

/** Settings a graph file was built with; a change means a rebuild. */
type GraphConfigSettings = Omit<HnswGraphOptions, 'dimensions'>;

/** vector_graphs: which file holds a namespace's graph and up to which change it is current. */
export interface GraphRow {
  file: string | null;
  fingerprint: string | null;
  candidates: number | null;
  tuned_recall: number | null;
  applied_seq: number;
  config: string;
}

export function totalChanges(database: Database): number {
  return (cachedStatement(database, 'SELECT total_changes() AS changes').get() as { changes: number }).changes;
}

export function storedDimensions(database: Database, namespace: string): number | undefined {
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
export function removeOlderFiles(directory: string, namespace: string, publishedSeq: number, published: string): void {
  const prefix = `${fileSafe(namespace)}-`;
  for (const file of readdirSync(directory)) {
    if (file === published || !file.startsWith(prefix) || !file.endsWith('.usearch')) continue;
    const seq = Number(file.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(seq) && seq <= publishedSeq) rmSync(join(directory, file), { force: true });
  }
}

export function configOf(dimensions: number, settings: GraphConfigSettings): string {
  const { connectivity = defaultConnectivity, expansionAdd = defaultExpansionAdd, quantization = 'i8' } = settings;
  return JSON.stringify({ dimensions, connectivity, expansionAdd, quantization });
}

export function readGraphRow(database: Database, namespace: string): GraphRow | undefined {
  return cachedStatement(
    database,
    'SELECT file, fingerprint, applied_seq, config, candidates, tuned_recall FROM vector_graphs WHERE namespace = ?',
  ).get(namespace) as GraphRow | undefined;
}

/** The last seq ever handed out (AUTOINCREMENT keeps it even after the log is pruned). */
export function lastChange(database: Database): number {
  const row = cachedStatement(database, "SELECT seq FROM sqlite_sequence WHERE name = 'vector_changes'").get() as
    | { seq: number }
    | undefined;
  return row?.seq ?? 0;
}

/** Namespaces are free text; file names keep letters, digits, '-' and '_' and a hash-free escape for the rest. */
export function fileSafe(namespace: string): string {
  return namespace.replace(/[^A-Za-z0-9_-]/g, (character) => `~${character.codePointAt(0)?.toString(16)}`);
}
