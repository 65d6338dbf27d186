import { errorCodes, GemmaRagError } from '../spec/errors.js';

/**
 * Validates a requested output size: a whole number from 1 to the model's native size.
 * Accepts strings because it guards CLI flags and HTTP fields alike.
 */
export function parseDimensions(value: unknown, nativeDimensions: number): number {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d+\s*$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(number) || number < 1 || number > nativeDimensions) {
    throw new GemmaRagError(
      errorCodes.invalidDimensions,
      `Invalid dimensions ${JSON.stringify(value)}: expected a whole number from 1 to ${nativeDimensions} (EmbeddingGemma is trained for 768, 512, 256 and 128).`,
      { data: { value, nativeDimensions } },
    );
  }
  return number;
}
