import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { loadUsearch, type UsearchIndex } from './optional-libraries.js';

export interface HnswGraphOptions {
  dimensions: number;
  /**
   * Graph degree (usearch `connectivity`); more is better recall, more memory. Default 24:
   * at 1M clustered 768-d vectors, 16 left recall stuck at 0.989 however many candidates were
   * re-scored, 24 reaches 0.997 with 200, in 980 B per vector (bench/results/search-2026-11-27.md).
   */
  connectivity?: number;
  /** Candidate list size while building. Default 128. */
  expansionAdd?: number;
  /**
   * Least candidate list size while searching; usearch widens it to the count asked for, so
   * the caller's candidate count sets the breadth. Default 16: with 64, asking for 40
   * candidates at 100k cost 0.87 ms instead of 0.44 ms for the same work the caller measured.
   */
  expansionSearch?: number;
  /** How usearch stores vectors inside the graph; 'i8' keeps 1 byte per dimension. Default 'i8'. */
  quantization?: 'f32' | 'f16' | 'i8';
}

export type ResolvedHnswOptions = Required<HnswGraphOptions>;

export const defaultConnectivity = 24;
export const defaultExpansionAdd = 128;

export function resolveHnswOptions(options: HnswGraphOptions): ResolvedHnswOptions {
  return {
    dimensions: options.dimensions,
    connectivity: options.connectivity ?? defaultConnectivity,
    expansionAdd: options.expansionAdd ?? defaultExpansionAdd,
    expansionSearch: options.expansionSearch ?? 16,
    quantization: options.quantization ?? 'i8',
  };
}

/**
 * A usearch HNSW graph over inner product, keyed by non-negative integers. It only proposes
 * candidates: callers re-score them with full-precision vectors, because the graph's own
 * copy is quantized (int8 by default) and its ranking inside a tight cluster is coarse.
 */
export class HnswGraph {
  readonly options: ResolvedHnswOptions;
  private readonly index: UsearchIndex;

  private constructor(options: ResolvedHnswOptions) {
    this.options = options;
    this.index = new (loadUsearch().Index)({
      dimensions: options.dimensions,
      metric: 'ip',
      quantization: options.quantization,
      connectivity: options.connectivity,
      expansion_add: options.expansionAdd,
      expansion_search: options.expansionSearch,
      multi: false,
    });
  }

  static create(options: HnswGraphOptions): HnswGraph {
    return new HnswGraph(resolveHnswOptions(options));
  }

  /**
   * Reads a graph written by `save`. The options must be the ones it was built with, and
   * `fingerprint` the one `save` returned: usearch 2.25 does not validate what it reads (a
   * truncated file corrupts the heap and aborts the process), so a file that does not match
   * is refused here with an error instead of being handed to it.
   */
  static load(path: string, options: HnswGraphOptions, fingerprint: string): HnswGraph {
    const actual = fingerprintFile(path);
    if (actual !== fingerprint) {
      throw new GemmaRagError(
        errorCodes.invalidArgument,
        `Graph file ${path} is not the one recorded (fingerprint ${actual}, expected ${fingerprint}).`,
      );
    }
    const graph = new HnswGraph(resolveHnswOptions(options));
    graph.index.load(path);
    if (graph.index.dimensions() !== options.dimensions) {
      throw new GemmaRagError(
        errorCodes.invalidDimensions,
        `Graph ${path} holds ${graph.index.dimensions()}-d vectors, expected ${options.dimensions}.`,
      );
    }
    return graph;
  }

  get size(): number {
    return this.index.size();
  }

  /** Adds n vectors (n × dimensions values, any offset) under n keys, on all threads. */
  add(keys: readonly number[], vectors: Float32Array): void {
    if (keys.length === 0) return;
    // usearch reads typed arrays from the start of their buffer; give it an offset-0 copy.
    const batch = ownBuffer(vectors);
    this.index.add(BigUint64Array.from(keys, BigInt), batch, 0);
  }

  /** Removes keys; unknown keys are ignored. */
  remove(keys: readonly number[]): void {
    if (keys.length > 0) this.index.remove(BigUint64Array.from(keys, BigInt));
  }

  /** Up to `count` keys, nearest first by the graph's own (quantized) scores. */
  search(query: Float32Array, count: number): number[] {
    if (this.size === 0 || count <= 0) return [];
    const vector = ownBuffer(query);
    const matches = this.index.search(vector, Math.min(count, this.size), 1);
    return Array.from(matches.keys, Number);
  }

  /**
   * Writes the graph atomically (temporary file, then rename), so a crash or a concurrent
   * reader never sees half a graph. Returns the file's fingerprint for `load`.
   */
  save(path: string): string {
    const temporary = `${path}.${randomUUID()}.tmp`;
    try {
      this.index.save(temporary);
      const fingerprint = fingerprintFile(temporary);
      renameSync(temporary, path);
      return fingerprint;
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }

  /** Estimated resident bytes per vector: the quantized copy, ~2 × connectivity 4-byte links, key and header. */
  bytesPerVector(): number {
    const scalar = this.options.quantization === 'i8' ? 1 : this.options.quantization === 'f16' ? 2 : 4;
    return this.options.dimensions * scalar + 2 * this.options.connectivity * 4 + 16;
  }
}

const fingerprintBlock = 64 * 1024;
const fingerprintBlocks = 64;

/**
 * Size plus a SHA-1 of 64 evenly spread 64 KB blocks (first and last included): catches
 * truncation, a replaced file and most overwrites while reading ~4 MB, where hashing a 1 GB
 * graph in full would add seconds to every open. Bit rot outside the sampled blocks is not
 * detected.
 */
export function fingerprintFile(path: string): string {
  const descriptor = openSync(path, 'r');
  try {
    const size = fstatSync(descriptor).size;
    const hash = createHash('sha1');
    const buffer = Buffer.alloc(fingerprintBlock);
    const last = Math.max(0, size - fingerprintBlock);
    for (let block = 0; block < fingerprintBlocks; block++) {
      const position = Math.floor((last * block) / (fingerprintBlocks - 1));
      const read = readSync(descriptor, buffer, 0, fingerprintBlock, position);
      hash.update(buffer.subarray(0, read));
      if (last === 0) break;
    }
    return `${size}:${hash.digest('hex')}`;
  } finally {
    closeSync(descriptor);
  }
}

/** usearch reads typed arrays from the start of their buffer: views get an offset-0 copy. */
function ownBuffer(values: Float32Array): Float32Array {
  return values.byteOffset === 0 && values.byteLength === values.buffer.byteLength ? values : values.slice();
}
