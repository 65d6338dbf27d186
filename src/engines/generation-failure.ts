import { abortedError, errorCodes, errorMessage, GemmaRagError } from '../spec/errors.js';

/**
 * What a local engine throws when generation stops with an error: ABORTED when the caller
 * asked it to stop (engines report an abort in their own words), ENGINE_FAILURE otherwise.
 */
export function generationFailure(error: unknown, abortSignal: AbortSignal | undefined): GemmaRagError {
  if (abortSignal?.aborted) return abortedError(abortSignal);
  return new GemmaRagError(errorCodes.engineFailure, `Generation failed: ${errorMessage(error)}`, { cause: error });
}
