import { dotAt } from '../../embedding/vector-math.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { compareHits } from '../compare-hits.js';
import { binaryWordsFor, encodeBinary, hammingScan, smallestDistances } from './binary-codes.js';
import { HnswGraph, type HnswGraphOptions } from './hnsw-graph.js';
import { calibrateInt8, encodeInt8, type Int8Calibration, int8QueryWeights, int8Scan } from './int8-codes.js';
import {
  automaticCandidates,
  automaticMode,
  type CoarseForm,
  graphCandidates,
  type SearchMode,
} from './search-plan.js';
import { TopScores } from './top-scores.js';

export type VectorIndexMode = SearchMode | 'auto';
export type { CoarseForm } from './search-plan.js';

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

const initialCapacity = 1024;
/** Standard deviations of sign-bit noise kept around the k-th distance (Widening). */
const widenZ = 3;
const maxWidenedCandidates = 20_000;

/**
 * An in-memory nearest-neighbour index for unit vectors, built to sit beside a store that
 * keeps fp32 vectors as the source of truth. Three ways to search:
 * - exact: scan every fp32 vector;
 * - funnel: scan compact codes (sign bits or calibrated int8, of all dimensions or a
 *   Matryoshka prefix), keep the best C, re-score those with full vectors;
 * - hnsw: a usearch graph proposes candidates, re-scored with full vectors.
 * The filter is applied during the scan (not after), so a selective filter still returns
 * k hits. Equal scores are ordered by id so results are reproducible.
 *
 * Storage is slot based: vectors live in contiguous typed arrays and a removal moves the
 * last slot into the hole, so scans never skip tombstones.
 */
export class VectorIndex {
  readonly dimensions: number;
  private readonly mode: VectorIndexMode;
  private readonly coarse: CoarseOptions | undefined;
  private readonly candidates: number | undefined;
  private readonly recallTarget: number;
  private readonly reader: FullVectorReader | undefined;
  private readonly hnswOptions: HnswOptions;

  private ids: string[] = [];
  private readonly slotOf = new Map<string, number>();
  private capacity = 0;
  private vectors: Float32Array | undefined;

  /** Codes are built lazily (on search or `prepare`) for slots below `encodedSize` of each form. */
  private binary: { prefix: number; words: number; codes: Uint32Array; encodedSize: number } | undefined;
  private int8:
    | { prefix: number; codes: Int8Array; encodedSize: number; calibration: Int8Calibration; calibratedAt: number }
    | undefined;

  private graph: HnswGraph | undefined;
  private readonly labelOf = new Map<string, number>();
  private readonly idOfLabel = new Map<number, string>();
  private nextLabel = 0;

  constructor(options: VectorIndexOptions) {
    if (!Number.isInteger(options.dimensions) || options.dimensions <= 0) {
      throw invalid(`dimensions must be a positive integer, got ${options.dimensions}.`);
    }
    this.dimensions = options.dimensions;
    this.mode = options.mode ?? 'auto';
    this.coarse = options.coarse;
    this.candidates = options.candidates;
    this.recallTarget = options.recallTarget ?? 0.99;
    this.reader = typeof options.fullVectors === 'function' ? options.fullVectors : undefined;
    this.hnswOptions = options.hnsw ?? {};
    const prefix = this.coarse?.prefixDimensions;
    if (prefix !== undefined && (!Number.isInteger(prefix) || prefix <= 0 || prefix > this.dimensions)) {
      throw invalid(`coarse.prefixDimensions must be an integer in 1..${this.dimensions}, got ${prefix}.`);
    }
    if (this.mode === 'exact' && this.reader) throw invalid("mode 'exact' needs fullVectors: 'memory'.");
    if (this.mode === 'hnsw') this.graph = this.createGraph();
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /**
   * Adds or replaces vectors. Either one id and one vector, or n ids with n vectors given
   * as an array or as one contiguous Float32Array of n × dimensions values. Vectors are
   * copied; they should be unit length (scores are dot products).
   */
  add(ids: string | readonly string[], vectors: Float32Array | readonly Float32Array[]): void {
    const idList = typeof ids === 'string' ? [ids] : ids;
    const rowOf = this.rowReader(idList.length, vectors);
    const graphKeys: number[] = [];
    for (let row = 0; row < idList.length; row++) {
      const id = idList[row] as string;
      const { source, offset } = rowOf(row);
      let slot = this.slotOf.get(id);
      if (slot === undefined) {
        slot = this.ids.length;
        this.ensureCapacity(slot + 1);
        this.ids.push(id);
        this.slotOf.set(id, slot);
      } else {
        this.invalidateCodes(slot);
      }
      if (this.vectors) this.vectors.set(source.subarray(offset, offset + this.dimensions), slot * this.dimensions);
      // Without fp32 in memory the codes cannot be rebuilt later, so encode now.
      if (this.reader) this.encodeEagerly(slot, source, offset);
      if (this.graph) graphKeys.push(row);
    }
    if (this.graph && graphKeys.length > 0) this.addToGraph(idList, graphKeys, rowOf);
  }

  /** Removes an id; returns false when it was not present. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const last = this.ids.length - 1;
    if (slot !== last) this.moveSlot(last, slot);
    this.ids.pop();
    this.slotOf.delete(id);
    if (this.binary) this.binary.encodedSize = Math.min(this.binary.encodedSize, this.ids.length);
    if (this.int8) this.int8.encodedSize = Math.min(this.int8.encodedSize, this.ids.length);
    const label = this.labelOf.get(id);
    if (label !== undefined && this.graph) {
      this.graph.remove([label]);
      this.labelOf.delete(id);
      this.idOfLabel.delete(label);
    }
    return true;
  }

  /** Builds whatever the next search will need now, so build cost can be measured apart from search. */
  prepare(k = 10): void {
    const plan = this.plan(k);
    if (plan.mode === 'funnel') this.ensureCodes(plan.form, plan.prefix);
  }

  /** Which mode, coarse form and candidate count a search for k results would use now. */
  plan(k: number): { mode: SearchMode; form: CoarseForm; prefix: number; candidates: number } {
    const mode = this.mode === 'auto' ? (this.reader ? 'funnel' : automaticMode(this.size)) : this.mode;
    const form = this.coarse?.form ?? 'binary';
    const prefix = this.coarse?.prefixDimensions ?? this.dimensions;
    const candidates =
      this.candidates ??
      (mode === 'hnsw'
        ? graphCandidates(this.size, k)
        : automaticCandidates({
            size: this.size,
            k,
            form,
            coarseDimensions: prefix,
            dimensions: this.dimensions,
            recallTarget: this.recallTarget,
          }));
    return { mode, form, prefix, candidates: Math.max(k, candidates) };
  }

  /** Best first by cosine similarity; equal scores by id. `filter` is applied during the scan. */
  search(query: Float32Array, k: number, filter?: (id: string) => boolean): VectorIndexHit[] {
    if (query.length !== this.dimensions) {
      throw new GemmaRagError(
        errorCodes.invalidDimensions,
        `Query has ${query.length} dimensions; the index holds ${this.dimensions}.`,
        { data: { expected: this.dimensions, actual: query.length } },
      );
    }
    if (k <= 0 || this.size === 0) return [];
    const plan = this.plan(k);
    if (plan.mode === 'exact') return this.searchExact(query, k, filter);
    if (plan.mode === 'hnsw') return this.searchGraph(query, k, plan.candidates, filter);
    const include = filter ? (slot: number) => filter(this.ids[slot] as string) : undefined;
    const candidates =
      plan.form === 'binary'
        ? this.coarseBinary(query, plan.prefix, plan.candidates, include, k)
        : this.coarseInt8(query, plan.prefix, plan.candidates, include);
    return this.rescore(query, candidates, k);
  }

  /** Resident bytes per stored vector, by part (see IndexMemory). */
  memory(): IndexMemory {
    const fullVectors = this.vectors ? 4 * this.dimensions : 0;
    const binaryCodes = this.binary ? 4 * this.binary.words : 0;
    const int8Codes = this.int8 ? this.int8.prefix : 0;
    const graph = this.graph ? this.graph.bytesPerVector() : 0;
    return { fullVectors, binaryCodes, int8Codes, graph, total: fullVectors + binaryCodes + int8Codes + graph };
  }

  bytesPerVector(): number {
    return this.memory().total;
  }

  private searchExact(query: Float32Array, k: number, filter: ((id: string) => boolean) | undefined): VectorIndexHit[] {
    const vectors = this.vectors;
    if (!vectors) throw invalid("mode 'exact' needs fullVectors: 'memory'.");
    const top = new TopScores(k, (slot, other) => (this.ids[slot] as string) < (this.ids[other] as string));
    const dimensions = this.dimensions;
    for (let slot = 0; slot < this.ids.length; slot++) {
      if (filter && !filter(this.ids[slot] as string)) continue;
      top.offer(dotAt(query, vectors, slot * dimensions, dimensions), slot);
    }
    return this.rescore(query, top.slotsBestFirst(), k);
  }

  private coarseBinary(
    query: Float32Array,
    prefix: number,
    candidates: number,
    include: ((slot: number) => boolean) | undefined,
    k?: number,
  ): Int32Array {
    const binary = this.ensureCodes('binary', prefix) as NonNullable<VectorIndex['binary']>;
    const queryCode = new Uint32Array(binary.words);
    encodeBinary(query, 0, prefix, queryCode, 0);
    const excluded = prefix + 1;
    const distances = new Uint16Array(this.size);
    hammingScan(binary.codes, binary.words, this.size, queryCode, distances, include, excluded);
    // A caller-fixed C is respected; the automatic one widens where the codes cannot tell
    // neighbours apart (see Widening).
    const widen =
      k !== undefined && this.candidates === undefined
        ? { k, bits: prefix, z: widenZ, maximum: maxWidenedCandidates }
        : undefined;
    return smallestDistances(distances, this.size, candidates, excluded, widen);
  }

  private coarseInt8(
    query: Float32Array,
    prefix: number,
    candidates: number,
    include: ((slot: number) => boolean) | undefined,
  ): Int32Array {
    const int8 = this.ensureCodes('int8', prefix) as NonNullable<VectorIndex['int8']>;
    const weights = int8QueryWeights(prefixOf(query, 0, prefix, this.dimensions), int8.calibration);
    const top = new TopScores(candidates);
    int8Scan(int8.codes, prefix, this.size, weights, include, (score, slot) => {
      if (score >= top.threshold) top.offer(score, slot);
    });
    return top.slotsBestFirst();
  }

  private searchGraph(
    query: Float32Array,
    k: number,
    candidates: number,
    filter: ((id: string) => boolean) | undefined,
  ): VectorIndexHit[] {
    const graph = this.graph ?? this.createGraph();
    // A filter can reject most proposals; ask for more until k pass or the graph is exhausted.
    for (let wanted = Math.min(candidates, this.size); ; wanted = Math.min(this.size, wanted * 4)) {
      const slots: number[] = [];
      for (const key of graph.search(query, wanted)) {
        const id = this.idOfLabel.get(key);
        if (id === undefined || (filter && !filter(id))) continue;
        const slot = this.slotOf.get(id);
        if (slot !== undefined) slots.push(slot);
      }
      if (slots.length >= k || wanted >= this.size) {
        if (slots.length >= k || !filter) return this.rescore(query, Int32Array.from(slots), k);
        break;
      }
    }
    // The graph cannot find enough neighbours that pass a selective filter; scan instead.
    const include = (slot: number) => filter(this.ids[slot] as string);
    return this.rescore(query, this.coarseBinary(query, this.dimensions, candidates, include), k);
  }

  /** Scores candidate slots with full vectors, best first, ties by id, k at most. */
  private rescore(query: Float32Array, slots: Int32Array, k: number): VectorIndexHit[] {
    const hits: VectorIndexHit[] = [];
    if (this.vectors) {
      for (const slot of slots) {
        hits.push({
          id: this.ids[slot] as string,
          score: dotAt(query, this.vectors, slot * this.dimensions, this.dimensions),
        });
      }
    } else if (this.reader) {
      const ids = Array.from(slots, (slot) => this.ids[slot] as string);
      const vectors = this.reader(ids);
      ids.forEach((id, index) => {
        const vector = vectors[index];
        if (vector) hits.push({ id, score: dotAt(query, vector, 0, this.dimensions) });
      });
    }
    hits.sort(compareHits);
    return hits.length > k ? hits.slice(0, k) : hits;
  }

  private ensureCodes(form: CoarseForm, prefix: number): VectorIndex['binary'] | VectorIndex['int8'] {
    if (form === 'binary') {
      if (!this.binary || this.binary.prefix !== prefix) {
        const words = binaryWordsFor(prefix);
        this.binary = { prefix, words, codes: new Uint32Array(this.capacity * words), encodedSize: 0 };
      }
      const binary = this.binary;
      if (this.vectors) {
        for (let slot = binary.encodedSize; slot < this.size; slot++) {
          encodeBinary(this.vectors, slot * this.dimensions, prefix, binary.codes, slot * binary.words);
        }
        binary.encodedSize = this.size;
      }
      return binary;
    }
    const vectors = this.vectors;
    // Calibrate on first use and again whenever the index has grown 4× since, so the
    // scales follow the data; re-encoding is linear and amortized over the growth.
    if (!this.int8 || this.int8.prefix !== prefix || (vectors && this.size > 4 * this.int8.calibratedAt)) {
      if (!vectors) {
        if (!this.int8) throw invalid('int8 codes without fp32 in memory must be built while adding.');
        return this.int8;
      }
      const calibration = calibrateInt8(this.size, prefix, (row, target) =>
        target.set(prefixOf(vectors, row * this.dimensions, prefix, this.dimensions)),
      );
      this.int8 = {
        prefix,
        codes: new Int8Array(this.capacity * prefix),
        encodedSize: 0,
        calibration,
        calibratedAt: Math.max(1, this.size),
      };
    }
    const int8 = this.int8;
    if (vectors) {
      for (let slot = int8.encodedSize; slot < this.size; slot++) {
        encodeInt8(
          prefixOf(vectors, slot * this.dimensions, prefix, this.dimensions),
          int8.calibration,
          int8.codes,
          slot * prefix,
        );
      }
      int8.encodedSize = this.size;
    }
    return int8;
  }

  /** Reader mode: codes for the configured form, calibrated from the first batch added. */
  private encodeEagerly(slot: number, source: Float32Array, offset: number): void {
    const form = this.coarse?.form ?? 'binary';
    const prefix = this.coarse?.prefixDimensions ?? this.dimensions;
    if (form === 'binary') {
      if (!this.binary) {
        const words = binaryWordsFor(prefix);
        this.binary = { prefix, words, codes: new Uint32Array(this.capacity * words), encodedSize: 0 };
      }
      encodeBinary(source, offset, prefix, this.binary.codes, slot * this.binary.words);
      this.binary.encodedSize = this.size;
      return;
    }
    if (!this.int8) {
      // Without stored vectors the first vector added is all there is to calibrate from;
      // callers in reader mode should add a representative batch first (see calibrateFrom).
      throw invalid('int8 codes in reader mode need calibrateFrom(sample) before the first add.');
    }
    encodeInt8(
      prefixOf(source, offset, prefix, this.dimensions),
      this.int8.calibration,
      this.int8.codes,
      slot * prefix,
    );
    this.int8.encodedSize = this.size;
  }

  /**
   * Reader mode with int8 codes: fixes the calibration from a representative sample
   * (n × dimensions values) before vectors are added; later vectors are clamped to it.
   */
  calibrateFrom(sample: Float32Array): void {
    const prefix = this.coarse?.prefixDimensions ?? this.dimensions;
    const count = Math.floor(sample.length / this.dimensions);
    const calibration = calibrateInt8(count, prefix, (row, target) =>
      target.set(prefixOf(sample, row * this.dimensions, prefix, this.dimensions)),
    );
    this.int8 = {
      prefix,
      codes: new Int8Array(this.capacity * prefix),
      encodedSize: 0,
      calibration,
      calibratedAt: Number.POSITIVE_INFINITY,
    };
  }

  private createGraph(): HnswGraph {
    this.graph = HnswGraph.create({ ...this.hnswOptions, dimensions: this.dimensions });
    return this.graph;
  }

  private addToGraph(
    ids: readonly string[],
    rows: number[],
    rowOf: (row: number) => { source: Float32Array; offset: number },
  ): void {
    const graph = this.graph as HnswGraph;
    const keys: number[] = new Array(rows.length);
    // One contiguous, offset-0 copy: usearch adds a batch on all threads in one call.
    const batch = new Float32Array(rows.length * this.dimensions);
    const replaced: number[] = [];
    rows.forEach((row, index) => {
      const id = ids[row] as string;
      const previous = this.labelOf.get(id);
      if (previous !== undefined) {
        replaced.push(previous);
        this.idOfLabel.delete(previous);
      }
      const label = this.nextLabel++;
      this.labelOf.set(id, label);
      this.idOfLabel.set(label, id);
      keys[index] = label;
      const { source, offset } = rowOf(row);
      batch.set(source.subarray(offset, offset + this.dimensions), index * this.dimensions);
    });
    graph.remove(replaced);
    graph.add(keys, batch);
  }

  private rowReader(
    count: number,
    vectors: Float32Array | readonly Float32Array[],
  ): (row: number) => { source: Float32Array; offset: number } {
    if (vectors instanceof Float32Array) {
      if (vectors.length !== count * this.dimensions) {
        throw new GemmaRagError(
          errorCodes.invalidDimensions,
          `Expected ${count} × ${this.dimensions} values, got ${vectors.length}.`,
          { data: { expected: count * this.dimensions, actual: vectors.length } },
        );
      }
      return (row) => ({ source: vectors, offset: row * this.dimensions });
    }
    if (vectors.length !== count) throw invalid(`Got ${count} ids but ${vectors.length} vectors.`);
    for (const vector of vectors) {
      if (vector.length !== this.dimensions) {
        throw new GemmaRagError(
          errorCodes.invalidDimensions,
          `Vector has ${vector.length} dimensions; the index holds ${this.dimensions}.`,
          { data: { expected: this.dimensions, actual: vector.length } },
        );
      }
    }
    return (row) => ({ source: vectors[row] as Float32Array, offset: 0 });
  }

  private ensureCapacity(wanted: number): void {
    if (wanted <= this.capacity) return;
    const capacity = Math.max(initialCapacity, this.capacity * 2, wanted);
    if (!this.reader) this.vectors = grow(this.vectors, capacity * this.dimensions, Float32Array);
    if (this.binary) this.binary.codes = grow(this.binary.codes, capacity * this.binary.words, Uint32Array);
    if (this.int8) this.int8.codes = grow(this.int8.codes, capacity * this.int8.prefix, Int8Array);
    this.capacity = capacity;
  }

  /** A replaced vector's codes are stale: mark everything from its slot on for re-encoding. */
  private invalidateCodes(slot: number): void {
    if (this.binary) this.binary.encodedSize = Math.min(this.binary.encodedSize, slot);
    if (this.int8) this.int8.encodedSize = Math.min(this.int8.encodedSize, slot);
  }

  /** Moves slot `from` into slot `to` (used to fill the hole left by a removal). */
  private moveSlot(from: number, to: number): void {
    const id = this.ids[from] as string;
    this.ids[to] = id;
    this.slotOf.set(id, to);
    const dimensions = this.dimensions;
    if (this.vectors) this.vectors.copyWithin(to * dimensions, from * dimensions, (from + 1) * dimensions);
    const binary = this.binary;
    if (binary) {
      if (from < binary.encodedSize)
        binary.codes.copyWithin(to * binary.words, from * binary.words, (from + 1) * binary.words);
      else binary.encodedSize = Math.min(binary.encodedSize, to);
    }
    const int8 = this.int8;
    if (int8) {
      if (from < int8.encodedSize)
        int8.codes.copyWithin(to * int8.prefix, from * int8.prefix, (from + 1) * int8.prefix);
      else int8.encodedSize = Math.min(int8.encodedSize, to);
    }
  }
}

/**
 * The first `prefix` values from `offset`, re-normalized to unit length (Matryoshka
 * truncation). The full vector is returned as a view when no truncation is asked for.
 */
function prefixOf(vectors: Float32Array, offset: number, prefix: number, dimensions: number): Float32Array {
  const view = vectors.subarray(offset, offset + prefix);
  if (prefix === dimensions) return view;
  let sumOfSquares = 0;
  for (let index = 0; index < prefix; index++) sumOfSquares += (view[index] as number) ** 2;
  const result = new Float32Array(prefix);
  if (sumOfSquares === 0) return result;
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let index = 0; index < prefix; index++) result[index] = (view[index] as number) * scale;
  return result;
}

function grow<Array extends Float32Array | Uint32Array | Int8Array>(
  previous: Array | undefined,
  length: number,
  Type: { new (length: number): Array },
): Array {
  const next = new Type(length);
  if (previous) next.set(previous as never);
  return next;
}

function invalid(message: string): GemmaRagError {
  return new GemmaRagError(errorCodes.invalidArgument, message);
}
