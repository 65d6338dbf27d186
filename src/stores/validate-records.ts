import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { VectorRecord } from '../spec/vector-store.js';

/**
 * Checks a whole batch before anything is written, so a bad record leaves the store
 * untouched: finite, non-empty vectors, and one size per namespace.
 */
export function validateRecords(
  records: readonly VectorRecord<unknown>[],
  storedDimensions: (namespace: string) => number | undefined,
): void {
  const dimensions = new Map<string, number>();
  for (const record of records) {
    const expected = dimensions.get(record.namespace) ?? storedDimensions(record.namespace) ?? record.vector.length;
    if (record.vector.length === 0 || !record.vector.every(Number.isFinite)) {
      throw new GemmaRagError(
        errorCodes.invalidArgument,
        `Vector for "${record.id}" is empty or has non-finite values.`,
        {
          data: { id: record.id },
        },
      );
    }
    if (record.vector.length !== expected) throw dimensionMismatch(record.namespace, expected, record.vector.length);
    dimensions.set(record.namespace, expected);
  }
}

export function dimensionMismatch(namespace: string, expected: number, actual: number): GemmaRagError {
  return new GemmaRagError(
    errorCodes.invalidDimensions,
    `Namespace "${namespace}" holds ${expected}-dimensional vectors; got ${actual}.`,
    { data: { namespace, expected, actual } },
  );
}
