import { errorCodes, GemmaRagError } from '../spec/errors.js';

/**
 * Returns a unit-length copy. A zero vector stays zero: there is no direction to keep,
 * and inventing one would make unrelated zero vectors look similar.
 */
export function l2Normalize(vector: Float32Array): Float32Array {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  const result = new Float32Array(vector.length);
  if (sumOfSquares === 0) return result;
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let index = 0; index < vector.length; index++) result[index] = (vector[index] ?? 0) * scale;
  return result;
}

/**
 * Matryoshka truncation: keep the first `dimensions` values and re-normalize, as the
 * model was trained to be used. Without re-normalization cosine would still rank
 * correctly but dot products and thresholds would not.
 */
export function truncateMatryoshka(vector: Float32Array, dimensions: number): Float32Array {
  if (dimensions > vector.length) {
    throw new GemmaRagError(
      errorCodes.invalidDimensions,
      `Cannot truncate a ${vector.length}-dimensional vector to ${dimensions} dimensions.`,
      { data: { dimensions, native: vector.length } },
    );
  }
  return l2Normalize(vector.subarray(0, dimensions));
}

/**
 * Dot product of `query` with `dimensions` values of `vectors` from `offset`, four sums in
 * flight: the inner loop of every exact re-score, where the bounds-tolerant `dot` costs
 * about twice as much.
 */
export function dotAt(query: Float32Array, vectors: Float32Array, offset: number, dimensions: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  const unrolled = dimensions - (dimensions % 4);
  let index = 0;
  for (; index < unrolled; index += 4) {
    sum0 += (query[index] as number) * (vectors[offset + index] as number);
    sum1 += (query[index + 1] as number) * (vectors[offset + index + 1] as number);
    sum2 += (query[index + 2] as number) * (vectors[offset + index + 2] as number);
    sum3 += (query[index + 3] as number) * (vectors[offset + index + 3] as number);
  }
  for (; index < dimensions; index++) sum0 += (query[index] as number) * (vectors[offset + index] as number);
  return sum0 + sum1 + sum2 + sum3;
}

export function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index++) sum += (left[index] ?? 0) * (right[index] ?? 0);
  return sum;
}

/**
 * Cosine similarity. Pinned edge case: if either vector is zero the similarity is 0
 * (nothing in common), not 1 and not NaN — a zero vector must never pass a threshold.
 */
export function cosineSimilarity(left: Float32Array, right: Float32Array): number {
  if (left.length !== right.length) {
    throw new GemmaRagError(
      errorCodes.invalidDimensions,
      `Cannot compare vectors of ${left.length} and ${right.length} dimensions.`,
      { data: { left: left.length, right: right.length } },
    );
  }
  let product = 0;
  let leftSquares = 0;
  let rightSquares = 0;
  for (let index = 0; index < left.length; index++) {
    const a = left[index] ?? 0;
    const b = right[index] ?? 0;
    product += a * b;
    leftSquares += a * a;
    rightSquares += b * b;
  }
  if (leftSquares === 0 || rightSquares === 0) return 0;
  return product / Math.sqrt(leftSquares * rightSquares);
}
