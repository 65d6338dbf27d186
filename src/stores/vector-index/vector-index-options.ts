import type { HnswGraphOptions } from './hnsw-graph.js';
import type { CoarseForm, SearchMode } from './search-plan.js';

export type { CoarseForm } from './search-plan.js';

export type VectorIndexMode = SearchMode | 'auto';

export interface CoarseOptions {
  form: CoarseForm;
  /** Code only the first d dimensions (a Matryoshka prefix, re-normalized). Default: all. */
  prefixDimensions?: number;
}

/**
 * Fetches full-precision vectors for re-scoring when the index does not keep them, e.g.
 * from SQLite rows or a file. Returns one entry per id, `undefined` for an unknown id.
 */
export type FullVectorReader = (ids: readonly string[]) => ReadonlyArray<Float32Array | undefined>;

export type HnswOptions = Omit<HnswGraphOptions, 'dimensions'>;

export interface VectorIndexOptions {
  dimensions: number;
  /** 'auto' (default): exact for small indexes, funnel above; see search-plan.ts. */
  mode?: VectorIndexMode;
  /** Compact form for the funnel's coarse pass. Default: binary over all dimensions. */
  coarse?: CoarseOptions;
  /** How many coarse candidates to re-score; default from N, k and `recallTarget`. */
  candidates?: number;
  /** Recall@k the automatic candidate count aims for. Default 0.99. */
  recallTarget?: number;
  /**
   * Where full vectors for exact scores come from: 'memory' (default) keeps an fp32 copy
   * (4 bytes per dimension); a reader keeps only compact codes in memory and fetches the
   * few candidates per query. The exact mode needs 'memory'.
   */
  fullVectors?: 'memory' | FullVectorReader;
  hnsw?: HnswOptions;
}

export interface VectorIndexHit {
  id: string;
  /** Cosine similarity (dot product of unit vectors), from the full vectors. */
  score: number;
}

/** Bytes per vector held by the index, by part; id strings and maps are not counted. */
export interface IndexMemory {
  fullVectors: number;
  binaryCodes: number;
  int8Codes: number;
  /** Estimate for usearch's graph: its vector copy plus ~2 × connectivity 4-byte links and an 8-byte key. */
  graph: number;
  total: number;
}
