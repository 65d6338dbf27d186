import { createRequire } from 'node:module';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';

/**
 * Optional native libraries, loaded on first use so the index works (exact and funnel
 * modes) when they are not installed. usearch is loaded through `require` on purpose:
 * the ESM build of usearch 2.25.3 looks for its prebuilt binary by walking up from a
 * `file://` path and never stops ("Maximum call stack size exceeded"); the CommonJS build
 * resolves it correctly.
 */
const require = createRequire(import.meta.url);

export interface UsearchMatches {
  keys: BigUint64Array;
  distances: Float32Array;
}

export interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void;
  search(vector: Float32Array, k: number, threads?: number): UsearchMatches;
  remove(keys: BigUint64Array): number[] | number;
  size(): number;
  dimensions(): number;
  save(path: string): void;
  load(path: string): void;
}

export interface UsearchIndexConfig {
  dimensions: number;
  metric: 'ip' | 'cos' | 'l2sq';
  quantization: 'f32' | 'f16' | 'i8';
  connectivity: number;
  expansion_add: number;
  expansion_search: number;
  multi: boolean;
}

export interface UsearchModule {
  Index: new (config: UsearchIndexConfig) => UsearchIndex;
  /**
   * Brute-force search. Beware: it reads the typed arrays from the start of their
   * ArrayBuffer, ignoring a subarray's byteOffset; pass arrays that start at offset 0.
   */
  exactSearch(
    dataset: Float32Array | Int8Array,
    queries: Float32Array | Int8Array,
    dimensions: number,
    count: number,
    metric: 'ip' | 'cos' | 'l2sq',
    threads?: number,
  ): UsearchMatches;
}

let usearch: UsearchModule | undefined;

export function loadUsearch(): UsearchModule {
  if (usearch) return usearch;
  try {
    usearch = require('usearch') as UsearchModule;
    return usearch;
  } catch (error) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      "Vector index mode 'hnsw' needs the optional package usearch, which is not installed or did not load. Install it with `npm i -E usearch@2.25.3` (2.26 needs Node 22), or use mode 'funnel'.",
      { cause: error },
    );
  }
}

/** True when usearch can be loaded; never throws. */
export function isUsearchAvailable(): boolean {
  try {
    loadUsearch();
    return true;
  } catch {
    return false;
  }
}
