import { loadUsearch, type UsearchMatches } from './optional-libraries.js';

/**
 * Exact nearest neighbours of a few sample vectors, accumulated batch by batch while a
 * graph is built, so the graph's candidate count can be measured on the data itself rather
 * than guessed. The samples are held out of the graph until the measurement is done: a
 * stored vector searched for inside a graph that contains it is found along its own edges
 * and flatters the graph (at 1M vectors, 0.998 measured that way against 0.987 for real
 * queries). Held out, a sample stands for a query landing among the data. Neighbours are
 * therefore taken among the non-sample vectors only.
 */
export class SampledNeighbours {
  readonly keys: number[] = [];
  private readonly sampleKeys = new Set<number>();
  private readonly vectors: Float32Array[] = [];
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
    this.sampleKeys.add(key);
    this.vectors.push(vector.slice());
    this.best.push([]);
  }

  isSample(key: number): boolean {
    return this.sampleKeys.has(key);
  }

  sample(index: number): Float32Array {
    return this.vectors[index] as Float32Array;
  }

  /** Scores every sample against one batch (n × dimensions, keys in the same order), in one SIMD call. */
  observe(keys: readonly number[], batch: Float32Array): void {
    if (this.size === 0 || keys.length === 0) return;
    // exactSearch ignores typed-array offsets: give it offset-0 arrays of the exact length.
    const data = batch.slice(0, keys.length * this.dimensions);
    const queries = new Float32Array(this.size * this.dimensions);
    this.vectors.forEach((vector, index) => {
      queries.set(vector, index * this.dimensions);
    });
    // One extra per sample in the batch, in case samples are among the nearest.
    const wanted = Math.min(this.k + this.size, keys.length);
    const result = loadUsearch().exactSearch(data, queries, this.dimensions, wanted, 'ip', 0) as UsearchMatches & {
      counts?: BigUint64Array;
    };
    for (let sample = 0; sample < this.size; sample++) {
      const list = this.best[sample] as Array<{ key: number; score: number }>;
      const found = result.counts ? Number(result.counts[sample]) : result.keys.length;
      const offset = result.counts ? sample * wanted : 0;
      for (let index = offset; index < offset + found; index++) {
        const key = keys[Number(result.keys[index])] as number;
        if (!this.sampleKeys.has(key)) list.push({ key, score: 1 - (result.distances[index] as number) });
      }
      list.sort((left, right) => right.score - left.score);
      list.length = Math.min(list.length, this.k);
    }
  }

  /** The exact top-k keys of a sample among the non-sample vectors. */
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
 * The smallest candidate count on a doubling ladder whose measured recall@k is good enough;
 * the largest rung when none is. "Good enough" is strict on purpose, because the samples
 * flatter the graph somewhat: at 1M vectors, held-out samples measured 0.996 at C = 160 where
 * real queries got 0.9875. So the measured miss rate must be a quarter of the allowed one
 * (0.9975 for a 0.99 target), and the mean must clear the target by a one-sided 95% margin
 * computed from the spread of per-sample recalls (samples, not neighbours, are independent).
 * `search(sample, candidates)` returns the top-k keys after exact re-scoring.
 */
export function tuneCandidates(
  neighbours: SampledNeighbours,
  k: number,
  recallTarget: number,
  limit: number,
  search: (sample: Float32Array, candidates: number) => number[],
): CandidateTuning {
  const required = 1 - (1 - recallTarget) / 4;
  let last: CandidateTuning = { candidates: Math.min(limit, 4 * k), recall: 0 };
  for (let candidates = Math.min(limit, 4 * k); ; candidates = Math.min(limit, candidates * 2)) {
    const recalls: number[] = [];
    for (let index = 0; index < neighbours.size; index++) {
      const truth = neighbours.truth(index);
      if (truth.size === 0) continue;
      let found = 0;
      for (const key of search(neighbours.sample(index), candidates)) if (truth.has(key)) found++;
      recalls.push(found / truth.size);
    }
    const recall = recalls.length === 0 ? 1 : recalls.reduce((sum, value) => sum + value, 0) / recalls.length;
    const variance =
      recalls.length < 2 ? 0 : recalls.reduce((sum, value) => sum + (value - recall) ** 2, 0) / (recalls.length - 1);
    const margin = recalls.length === 0 ? 0 : 1.645 * Math.sqrt(variance / recalls.length);
    last = { candidates, recall };
    if ((recall >= required && recall - margin >= recallTarget) || candidates >= limit) return last;
  }
}
