/**
 * Reproducible synthetic unit vectors for tests and bench/search.ts. All rows go into one
 * Float32Array (n × dimensions): at 1M × 768 that is 3 GB, and one allocation avoids a
 * million small objects.
 */
export type SyntheticKind = 'random' | 'clustered' | 'matryoshka';

/** mulberry32: a small, fast, seedable PRNG; quality is ample for test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal via Box–Muller. */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface SyntheticOptions {
  kind: SyntheticKind;
  count: number;
  dimensions: number;
  seed: number;
  /** Clustered: how many centres. Default 1000. */
  clusters?: number;
  /** Clustered: noise scale relative to a unit centre. Default 0.5 (neighbours stay distinct). */
  noise?: number;
}

/**
 * - random: isotropic Gaussian directions (the hard case: no structure to exploit);
 * - clustered: a centre per cluster plus Gaussian noise, like topical document embeddings;
 * - matryoshka: standard deviation of dimension i ∝ 1/sqrt(1 + i/32), so leading dimensions
 *   carry most of the variance, as in Matryoshka-trained models.
 * Two calls with the same kind, dimensions, clusters and seed share the cluster centres, so
 * queries generated with another `seed` but `centreSeed` equal come from the same distribution.
 */
export function syntheticVectors(options: SyntheticOptions & { centreSeed?: number }): Float32Array {
  const { kind, count, dimensions } = options;
  const normal = gaussian(seededRandom(options.seed));
  const output = new Float32Array(count * dimensions);
  const spread = new Float32Array(dimensions);
  for (let dimension = 0; dimension < dimensions; dimension++) {
    spread[dimension] = kind === 'matryoshka' ? 1 / Math.sqrt(1 + dimension / 32) : 1;
  }
  let centres: Float32Array | undefined;
  const clusterCount = options.clusters ?? 1000;
  if (kind === 'clustered' || kind === 'matryoshka') {
    const centreNormal = gaussian(seededRandom(options.centreSeed ?? 7));
    centres = new Float32Array(clusterCount * dimensions);
    for (let centre = 0; centre < clusterCount; centre++) {
      const row = centres.subarray(centre * dimensions, (centre + 1) * dimensions);
      for (let dimension = 0; dimension < dimensions; dimension++) {
        row[dimension] = centreNormal() * (spread[dimension] as number);
      }
      normalizeInPlace(row);
    }
  }
  const noise = (options.noise ?? 0.5) / Math.sqrt(dimensions);
  const pick = seededRandom(options.seed ^ 0x9e3779b9);
  for (let row = 0; row < count; row++) {
    const target = output.subarray(row * dimensions, (row + 1) * dimensions);
    if (centres) {
      const centre = Math.floor(pick() * clusterCount);
      for (let dimension = 0; dimension < dimensions; dimension++) {
        target[dimension] =
          (centres[centre * dimensions + dimension] as number) + normal() * noise * (spread[dimension] as number) * 2;
      }
    } else {
      for (let dimension = 0; dimension < dimensions; dimension++) target[dimension] = normal();
    }
    normalizeInPlace(target);
  }
  return output;
}

export function normalizeInPlace(vector: Float32Array): void {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  if (sumOfSquares === 0) return;
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] as number) * scale;
}
