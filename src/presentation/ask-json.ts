import type { AskResult, Rag } from '../app/rag.js';
import { contextByScore } from './ask-explanation.js';
import { citationLabel } from './cite-location.js';

/** The `ask --json` contract; keep keys stable, scripts rely on them. */
export function askJson(rag: Rag, result: AskResult) {
  const { retrieval } = result;
  const context = contextByScore(result).map((chunk) => ({
    /** The chunk's number in the prompt ("[document 2]"), which the answer may refer to. */
    number: chunk.number,
    title: chunk.title,
    category: chunk.category,
    chunk: chunk.text,
    position: chunk.position,
    score: chunk.score,
    rerankScore: chunk.rerankScore,
    source: chunk.source,
    location: chunk.location ?? null,
    /** The page the answer quotes when the chunk spans several; null otherwise. */
    quotedPage: chunk.quotedPage ?? null,
    /** e.g. "handbook.pdf p. 12 · 3.2 Annual leave" (the quoted page when known) */
    cite: citationLabel(chunk),
  }));
  return {
    question: result.question,
    /** A follow-up's standalone form (what was searched), how it was made, and from how many turns; null without history. */
    condensed: result.condensed
      ? {
          standalone: result.condensed.standalone,
          method: result.condensed.method,
          turns: result.condensed.turns,
          ...(result.condensed.fallback ? { fallback: result.condensed.fallback } : {}),
        }
      : null,
    /** The route that ran (route.ts). */
    mode: retrieval.route,
    /** Whether BM25 keyword ranks were fused in (always for hybrid; with two-stage when asked). */
    hybrid: retrieval.hybrid,
    engine: rag.embedder.model.label,
    category: retrieval.category,
    document: retrieval.document
      ? {
          title: retrieval.document.title,
          category: retrieval.document.category,
          score: retrieval.document.score,
          rerankScore: retrieval.document.rerankScore,
        }
      : null,
    scores: {
      categories: retrieval.scores.categories.map(({ name, score, keywordScore }) => ({ name, score, keywordScore })),
      documents: retrieval.scores.documents.map(({ title, category, score, keywordScore, rerankScore }) => ({
        title,
        category,
        score,
        keywordScore,
        rerankScore,
      })),
    },
    searchedCategories: retrieval.searchedCategories,
    thresholds: retrieval.thresholds,
    /** Why retrieval refused (`category-below-threshold`, `document-below-threshold`, `rerank-below-threshold`, `no-supporting-sentence`); null when it found a document. */
    refusal: retrieval.refusal,
    /** The support gate's sentence `{ title, sentence, score }` (the refused document's best, on `no-supporting-sentence`); null when the gate did not run. */
    support: retrieval.support ?? null,
    /** The reranker as it ran (`engine`, `model`, `top`, `threshold`, `candidates`); null without one. */
    rerank: retrieval.rerank,
    // A model that found no answer in the context did not use it, and a withdrawn answer is
    // not one: nothing to cite.
    citations: result.refusedBy === 'model' || result.refusedBy === 'grounding' ? [] : context,
    /**
     * The chunks the language model was given (or an extractive answer quotes), highest score
     * first: also when the model found no answer in them, so such a refusal can be debugged.
     */
    context,
    refused: result.refused,
    refusedBy: result.refusedBy,
    /** With `refusedBy: "grounding"`: the numbers the withdrawn answer stated that its documents do not. */
    ...(result.ungrounded ? { ungrounded: result.ungrounded } : {}),
    /** With `refusedBy: "grounding"`: the sentences `{ title, sentence, score }` the withdrawn answer's words came from, far from the question, closest first. */
    ...(result.unrelatedSources ? { unrelatedSources: result.unrelatedSources } : {}),
    /** Sentences `{ title, sentence, score }` set aside after a first answer came only from them; the answer is the model's second. */
    ...(result.setAside ? { setAside: result.setAside } : {}),
    answer: result.answer,
  };
}

export type AskJson = ReturnType<typeof askJson>;
