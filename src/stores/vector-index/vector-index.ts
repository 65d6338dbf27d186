import { dotAt } from '../../embedding/vector-math.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { compareHits } from '../compare-hits.js';
import { CoarseCodes, invalid } from './coarse-codes.js';
import { growArray } from './grow-array.js';
import { LabelledGraph, type RowReader } from './labelled-graph.js';
import {
  automaticCandidates,
  automaticMode,
  type CoarseForm,
  graphCandidates,
  type SearchMode,
} from './search-plan.js';
import { TopScores } from './top-scores.js';
import type {
  CoarseOptions,
  FullVectorReader,
  HnswOptions,
  IndexMemory,
  VectorIndexHit,
  VectorIndexMode,
  VectorIndexOptions,
} from './vector-index-options.js';

export type {
  CoarseForm,
  CoarseOptions,
  FullVectorReader,
  HnswOptions,
  IndexMemory,
  VectorIndexHit,
  VectorIndexMode,
  VectorIndexOptions,
} from './vector-index-options.js';

const initialCapacity = 1024;

/**
 * An in-memory nearest-neighbour index for unit vectors, built to sit beside a store that
 * keeps fp32 vectors as the source of truth. Three ways to search:
 * - exact: scan every fp32 vector;
 * - funnel: scan compact codes (coarse-codes.ts: sign bits or calibrated int8, of all
 *   dimensions or a Matryoshka prefix), keep the best C, re-score those with full vectors;
 * - hnsw: a usearch graph (labelled-graph.ts) proposes candidates, re-scored with full vectors.
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
  private readonly codes: CoarseCodes;
  private graph: LabelledGraph | undefined;

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
    const index = this;
    const slots = {
      dimensions: this.dimensions,
      get size() {
        return index.size;
      },
      get capacity() {
        return index.capacity;
      },
      get vectors() {
        return index.vectors;
      },
    };
    this.codes = new CoarseCodes(slots, this.coarse?.form ?? 'binary', prefix ?? this.dimensions);
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
    const graphRows: number[] = [];
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
        this.codes.invalidateFrom(slot);
      }
      if (this.vectors) this.vectors.set(source.subarray(offset, offset + this.dimensions), slot * this.dimensions);
      // Without fp32 in memory the codes cannot be rebuilt later, so encode now.
      if (this.reader) this.codes.encodeEagerly(slot, source, offset);
      if (this.graph) graphRows.push(row);
    }
    if (this.graph && graphRows.length > 0) this.graph.add(idList, graphRows, rowOf);
  }

  /** Removes an id; returns false when it was not present. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const last = this.ids.length - 1;
    if (slot !== last) this.moveSlot(last, slot);
    this.ids.pop();
    this.slotOf.delete(id);
    this.codes.invalidateFrom(this.ids.length);
    this.graph?.remove(id);
    return true;
  }

  /** Builds whatever the next search will need now, so build cost can be measured apart from search. */
  prepare(k = 10): void {
    const plan = this.plan(k);
    if (plan.mode === 'funnel') this.codes.ensure(plan.form, plan.prefix);
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
    // A caller-fixed C is respected; the automatic one may widen (coarse-codes.ts).
    const widenFor = this.candidates === undefined ? k : undefined;
    const candidates =
      plan.form === 'binary'
        ? this.codes.nearestBinary(query, plan.prefix, plan.candidates, include, widenFor)
        : this.codes.nearestInt8(query, plan.prefix, plan.candidates, include);
    return this.rescore(query, candidates, k);
  }

  /** Resident bytes per stored vector, by part (see IndexMemory). */
  memory(): IndexMemory {
    const fullVectors = this.vectors ? 4 * this.dimensions : 0;
    const { binaryCodes, int8Codes } = this.codes.bytesPerVector();
    const graph = this.graph ? this.graph.bytesPerVector() : 0;
    return { fullVectors, binaryCodes, int8Codes, graph, total: fullVectors + binaryCodes + int8Codes + graph };
  }

  bytesPerVector(): number {
    return this.memory().total;
  }

  /**
   * Reader mode with int8 codes: fixes the calibration from a representative sample
   * (n × dimensions values) before vectors are added; later vectors are clamped to it.
   */
  calibrateFrom(sample: Float32Array): void {
    this.codes.calibrateFrom(sample);
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
      for (const id of graph.search(query, wanted)) {
        if (filter && !filter(id)) continue;
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
    return this.rescore(query, this.codes.nearestBinary(query, this.dimensions, candidates, include), k);
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

  private createGraph(): LabelledGraph {
    this.graph = new LabelledGraph(this.dimensions, this.hnswOptions);
    return this.graph;
  }

  private rowReader(count: number, vectors: Float32Array | readonly Float32Array[]): RowReader {
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
    if (!this.reader) this.vectors = growArray(this.vectors, capacity * this.dimensions, Float32Array);
    this.codes.grow(capacity);
    this.capacity = capacity;
  }

  /** Moves slot `from` into slot `to` (used to fill the hole left by a removal). */
  private moveSlot(from: number, to: number): void {
    const id = this.ids[from] as string;
    this.ids[to] = id;
    this.slotOf.set(id, to);
    const dimensions = this.dimensions;
    if (this.vectors) this.vectors.copyWithin(to * dimensions, from * dimensions, (from + 1) * dimensions);
    this.codes.move(from, to);
  }
}
