import type { VectorStore } from '../src/spec/vector-store.js';

/** Writes row r of `data` as record id "r" in namespace `chunks`, `batch` rows per upsert. */
export async function upsertRows(
  store: VectorStore<{ row: number }>,
  data: Float32Array,
  dimensions: number,
  batch: number,
  onBatch?: (written: number) => void,
): Promise<void> {
  const rows = data.length / dimensions;
  for (let start = 0; start < rows; start += batch) {
    const end = Math.min(rows, start + batch);
    await store.upsert(
      Array.from({ length: end - start }, (_, offset) => ({
        id: String(start + offset),
        namespace: 'chunks',
        vector: data.subarray((start + offset) * dimensions, (start + offset + 1) * dimensions),
        metadata: { row: start + offset },
      })),
    );
    onBatch?.(end);
  }
}
