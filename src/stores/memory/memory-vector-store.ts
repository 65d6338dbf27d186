import { cosineSimilarity } from '../../embedding/vector-math.js';
import type { VectorRecord, VectorSearchHit, VectorSearchOptions, VectorStore } from '../../spec/vector-store.js';
import { compareHits } from '../compare-hits.js';
import { metadataPredicate } from '../match-where.js';
import { dimensionMismatch, validateRecords } from '../validate-records.js';

/**
 * Exact search over vectors held in memory. Right for the seed-sized knowledge bases
 * loaded from a JSON file; persistent and large ones use the SQLite store.
 */
export class MemoryVectorStore<Metadata = Record<string, unknown>> implements VectorStore<Metadata> {
  private readonly namespaces = new Map<string, Map<string, VectorRecord<Metadata>>>();

  async upsert(records: readonly VectorRecord<Metadata>[]): Promise<void> {
    validateRecords(records, (namespace) => this.dimensionsOf(namespace));
    for (const record of records) {
      let namespace = this.namespaces.get(record.namespace);
      if (!namespace) {
        namespace = new Map();
        this.namespaces.set(record.namespace, namespace);
      }
      namespace.set(record.id, { ...record, vector: Float32Array.from(record.vector) });
    }
  }

  async search(options: VectorSearchOptions<Metadata>): Promise<VectorSearchHit<Metadata>[]> {
    const namespace = this.namespaces.get(options.namespace);
    if (!namespace || options.topK <= 0) return [];
    const expected = this.dimensionsOf(options.namespace);
    if (expected !== undefined && expected !== options.vector.length) {
      throw dimensionMismatch(options.namespace, expected, options.vector.length);
    }
    const keep = metadataPredicate(options);
    const hits: VectorSearchHit<Metadata>[] = [];
    for (const record of namespace.values()) {
      if (keep && !keep(record.metadata)) continue;
      hits.push({ id: record.id, score: cosineSimilarity(options.vector, record.vector), metadata: record.metadata });
    }
    hits.sort(compareHits);
    return hits.slice(0, options.topK);
  }

  async delete(ids: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const namespace of this.namespaces.values()) {
      for (const id of ids) if (namespace.delete(id)) deleted++;
    }
    return deleted;
  }

  async count(namespace?: string): Promise<number> {
    if (namespace !== undefined) return this.namespaces.get(namespace)?.size ?? 0;
    let total = 0;
    for (const records of this.namespaces.values()) total += records.size;
    return total;
  }

  async close(): Promise<void> {
    this.namespaces.clear();
  }

  private dimensionsOf(namespace: string): number | undefined {
    const first = this.namespaces.get(namespace)?.values().next();
    return first && !first.done ? first.value.vector.length : undefined;
  }
}
