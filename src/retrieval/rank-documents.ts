import type { ChunkItem, IndexedItem, KeywordHit } from '../spec/knowledge-store.js';
import type { VectorSearchHit } from '../spec/vector-store.js';
import { fuseNearTies, reciprocalRankFusion } from './reciprocal-rank-fusion.js';
import type { ScoredDocument } from './retrieval-result.js';

export interface RankedChunk {
  vectorId: string;
  position: number;
  /** Cosine similarity to the query. */
  score: number;
  /** Reciprocal-rank-fusion score, in hybrid mode. */
  fused?: number | undefined;
  /** The reranker's score in [0, 1], when it read this chunk. */
  rerankScore?: number | undefined;
}

export interface RankedDocument extends ScoredDocument {
  /** This document's chunks, best first. */
  chunks: RankedChunk[];
}

/**
 * Groups chunk hits by document; a document scores as its best chunk. With keyword hits
 * (hybrid routes) the documents the vectors cannot tell apart — within `keywordFusionBand` of
 * the best cosine — are ordered by their best chunk's fused rank; `score` stays the cosine
 * similarity, so thresholds keep their meaning.
 */
export function rankDocuments(
  vectorHits: readonly VectorSearchHit<IndexedItem>[],
  keywordHits?: readonly KeywordHit[],
): RankedDocument[] {
  const fused = keywordHits
    ? reciprocalRankFusion([vectorHits.map((hit) => hit.id), keywordHits.map((hit) => hit.id)])
    : undefined;
  const keywordScores = new Map(keywordHits?.map((hit) => [hit.id, hit.score]));
  const byDocument = new Map<number, RankedDocument & { rank: number }>();
  for (const hit of vectorHits) {
    if (hit.metadata.kind !== 'chunk') continue;
    const item: ChunkItem = hit.metadata;
    const rank = fused?.get(hit.id) ?? hit.score;
    let document = byDocument.get(item.documentId);
    if (!document) {
      document = {
        documentId: item.documentId,
        title: item.title,
        category: item.category,
        score: hit.score,
        chunks: [],
        rank,
      };
      byDocument.set(item.documentId, document);
    }
    document.score = Math.max(document.score, hit.score);
    document.rank = Math.max(document.rank, rank);
    const keywordScore = keywordScores.get(hit.id);
    if (keywordScore !== undefined) document.keywordScore = Math.max(document.keywordScore ?? 0, keywordScore);
    document.chunks.push({ vectorId: hit.id, position: item.position, score: hit.score, fused: fused?.get(hit.id) });
  }
  const byIdentity = [...byDocument.values()].sort((left, right) => left.documentId - right.documentId);
  const ordered = fused
    ? fuseNearTies(
        byIdentity,
        (document) => document.score,
        (document) => document.rank,
      )
    : byIdentity.sort((left, right) => right.score - left.score || left.documentId - right.documentId);
  return ordered.map(({ rank: _rank, ...document }) => ({
    ...document,
    chunks: fused
      ? [...document.chunks].sort((left, right) => (right.fused ?? 0) - (left.fused ?? 0))
      : document.chunks,
  }));
}
