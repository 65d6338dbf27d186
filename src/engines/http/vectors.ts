import { errorCodes, GemmaRagError } from '../../spec/errors.js';

/** Rejects more inputs than an engine declared it takes per call. */
export function checkBatchSize(count: number, maxEmbeddingsPerCall: number, engine: string): void {
  if (count > maxEmbeddingsPerCall) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `The ${engine} engine takes at most ${maxEmbeddingsPerCall} inputs per call; got ${count}. Embed through an Embedder, which batches.`,
      { data: { count, maxEmbeddingsPerCall } },
    );
  }
}

/**
 * Checks a server's vectors (one per input, each of the declared size, finite) and copies
 * them into Float32Arrays. A server that answers with the wrong shape is not to be trusted.
 */
export function toFloat32Vectors(
  vectors: readonly (readonly number[])[],
  expectedCount: number,
  dimensions: number,
  source: string,
): Float32Array[] {
  if (vectors.length !== expectedCount) {
    throw new GemmaRagError(
      errorCodes.engineFailure,
      `${source} returned ${vectors.length} embeddings for ${expectedCount} inputs.`,
      { data: { reason: 'wrong-count', expected: expectedCount, actual: vectors.length } },
    );
  }
  return vectors.map((vector, index) => {
    if (vector.length !== dimensions) {
      throw new GemmaRagError(
        errorCodes.engineFailure,
        `${source} returned a ${vector.length}-dimensional vector for input ${index + 1}; the model gave ${dimensions} when it was loaded. Did the model behind the server change?`,
        { data: { reason: 'wrong-dimensions', expected: dimensions, actual: vector.length, index } },
      );
    }
    if (!vector.every(Number.isFinite)) {
      throw new GemmaRagError(
        errorCodes.engineFailure,
        `${source} returned non-finite values for input ${index + 1}.`,
        {
          data: { reason: 'non-finite', index },
        },
      );
    }
    return Float32Array.from(vector);
  });
}
