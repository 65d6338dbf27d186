import type { ChunkItem, IndexedItem } from '../spec/knowledge-store.js';
import type { VectorSearchHit } from '../spec/vector-store.js';
import type { ScoredDocument } from './retrieval-result.js';

export interface RankedDocument extends ScoredDocument {
  /** This document's chunk hits, best first. */
  chunks: Array<{ vectorId: string; position: number; score: number }>;
}

/** Groups chunk hits by document; a document scores as its best chunk. Best documents first. */
export function rankDocuments(hits: readonly VectorSearchHit<IndexedItem>[]): RankedDocument[] {
  const byDocument = new Map<number, RankedDocument>();
  for (const hit of hits) {
    if (hit.metadata.kind !== 'chunk') continue;
    const item: ChunkItem = hit.metadata;
    let document = byDocument.get(item.documentId);
    if (!document) {
      document = {
        documentId: item.documentId,
        title: item.title,
        category: item.category,
        score: hit.score,
        chunks: [],
      };
      byDocument.set(item.documentId, document);
    }
    document.score = Math.max(document.score, hit.score);
    document.chunks.push({ vectorId: hit.id, position: item.position, score: hit.score });
  }
  return [...byDocument.values()].sort((left, right) => right.score - left.score || left.documentId - right.documentId);
}
