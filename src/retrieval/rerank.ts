import { throwIfAborted } from '../spec/errors.js';
import type { SearchableKnowledge } from '../spec/knowledge-store.js';
import type { RankingModel } from '../spec/ranking-model.js';
import type { RankedChunk, RankedDocument } from './rank-documents.js';

/** A cross-encoder stage after vector (and keyword) search. */
export interface RerankSettings {
  model: RankingModel;
  /** How many chunks it reads: the first in the route's order of those that passed the embedding gate. */
  top: number;
  /** Its own floor in [0, 1]: a chunk below it is not answered from (refusal-gate.ts `firstReranked`). */
  threshold: number;
}

export interface Reranked {
  /**
   * Documents with a reranked chunk, by their best rerank score (ties keep the route's order),
   * each one's chunks best reranked first; then the other documents, unscored, in route order.
   */
  documents: RankedDocument[];
  /** Chunks the reranker read. */
  candidates: number;
}

/**
 * Reranks what passed the embedding gate, and only that: the gate decides what may be
 * answered from, the reranker decides the order among it (and may still refuse by its floor).
 * A chunk is read as `title\ntext`, the way people see a passage.
 */
export async function rerankDocuments(
  knowledge: SearchableKnowledge,
  question: string,
  documents: readonly RankedDocument[],
  gate: number,
  settings: RerankSettings,
  abortSignal?: AbortSignal,
): Promise<Reranked> {
  const candidates = documents
    .flatMap((document) => document.chunks.map((chunk) => ({ document, chunk })))
    .filter(({ chunk }) => chunk.score >= gate)
    .sort((left, right) => routeKey(right.chunk) - routeKey(left.chunk))
    .slice(0, settings.top);
  const passages = await knowledge.chunkPassages(candidates.map(({ chunk }) => chunk.vectorId));
  const texts = candidates.map(
    ({ document, chunk }) => `${document.title}\n${passages.get(chunk.vectorId)?.text ?? ''}`,
  );
  const scores = new Map<string, number>();
  for (let start = 0; start < texts.length; start += settings.model.maxDocumentsPerCall) {
    throwIfAborted(abortSignal);
    const batch = texts.slice(start, start + settings.model.maxDocumentsPerCall);
    const result = await settings.model.rank({ query: question, documents: batch, abortSignal });
    result.scores.forEach((score, offset) => {
      const candidate = candidates[start + offset];
      if (candidate) scores.set(candidate.chunk.vectorId, score);
    });
  }
  const rescored = documents.map((document) => {
    const chunks = document.chunks.map((chunk) => {
      const rerankScore = scores.get(chunk.vectorId);
      return rerankScore === undefined ? chunk : { ...chunk, rerankScore };
    });
    const reranked = chunks
      .filter((chunk) => chunk.rerankScore !== undefined)
      .sort((left, right) => (right.rerankScore ?? 0) - (left.rerankScore ?? 0));
    const best = reranked[0]?.rerankScore;
    return {
      ...document,
      chunks: [...reranked, ...chunks.filter((chunk) => chunk.rerankScore === undefined)],
      ...(best === undefined ? {} : { rerankScore: best }),
    };
  });
  const withScore = rescored.filter((document) => document.rerankScore !== undefined);
  return {
    documents: [
      ...withScore.sort((left, right) => (right.rerankScore ?? 0) - (left.rerankScore ?? 0)),
      ...rescored.filter((document) => document.rerankScore === undefined),
    ],
    candidates: candidates.length,
  };
}

/** The route's order of chunks: fused rank in hybrid routes, else cosine. */
function routeKey(chunk: RankedChunk): number {
  return chunk.fused ?? chunk.score;
}
