import { loadUsearch } from './optional-libraries.js';

/**
 * Exact nearest neighbours of a few sample vectors, accumulated batch by batch while a
 * graph is built, so the graph's candidate count can be measured on the data itself rather
 * than guessed. The samples are stored vectors; each one's own key is left out of its
 * neighbours, so a sample stands for a query that lands among the data.
 */
export class SampledNeighbours {
  readonly keys: number[] = [];
  private readonly vectors: number[][] = [];
  private best: Array<Array<{ key: number; score: number }>> = [];

  constructor(
    private readonly dimensions: number,
    private readonly k: number,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  /** Adds a sample (before `observe` sees any batch). */
  addSample(key: number, vector: Float32Array): void {
    this.keys.push(key);
    this.vectors.push(Array.from(vector));
    this.best.push([]);
  }

  sample(index: number): Float32Array {
    return Float32Array.from(this.vectors[index] as number[]);
  }

  /** Scores every sample against one batch (n × dimensions, keys in the same order). */
  observe(keys: readonly number[], batch: Float32Array): void {
    if (this.size === 0 || keys.length === 0) return;
    const usearch = loadUsearch();
    // exactSearch ignores typed-array offsets: give it offset-0 arrays of the exact length.
    const data = batch.slice(0, keys.length * this.dimensions);
    const wanted = Math.min(this.k + 1, keys.length);
    for (let sample = 0; sample < this.size; sample++) {
      const matches = usearch.exactSearch(data, this.sample(sample), this.dimensions, wanted, 'ip', 0);
      const list = this.best[sample] as Array<{ key: number; score: number }>;
      matches.keys.forEach((position, index) => {
        const key = keys[Number(position)] as number;
        if (key !== this.keys[sample]) list.push({ key, score: 1 - (matches.distances[index] as number) });
      });
      list.sort((left, right) => right.score - left.score);
      list.length = Math.min(list.length, this.k);
    }
  }

  /** The exact top-k keys of a sample, itself excluded. */
  truth(index: number): Set<number> {
    return new Set((this.best[index] ?? []).map((entry) => entry.key));
  }
}

export interface CandidateTuning {
  candidates: number;
  /** Recall@k measured on the samples at that candidate count. */
  recall: number;
}

/**
 * The smallest candidate count on a doubling ladder whose measured recall@k reaches the
 * target; the largest rung when none does. `search(sample, candidates)` returns the top-k
 * keys after exact re-scoring, the sample's own key excluded.
 */
export function tuneCandidates(
  neighbours: SampledNeighbours,
  k: number,
  recallTarget: number,
  limit: number,
  search: (sample: Float32Array, ownKey: number, candidates: number) => number[],
): CandidateTuning {
  let last: CandidateTuning = { candidates: Math.min(limit, 4 * k), recall: 0 };
  for (let candidates = Math.min(limit, 4 * k); ; candidates = Math.min(limit, candidates * 2)) {
    let found = 0;
    let expected = 0;
    for (let index = 0; index < neighbours.size; index++) {
      const truth = neighbours.truth(index);
      expected += truth.size;
      for (const key of search(neighbours.sample(index), neighbours.keys[index] as number, candidates)) {
        if (truth.has(key)) found++;
      }
    }
    last = { candidates, recall: expected === 0 ? 1 : found / expected };
    if (last.recall >= recallTarget || candidates >= limit) return last;
  }
}
