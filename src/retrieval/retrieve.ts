import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { VectorSearchHit } from '../spec/vector-store.js';
import { categoryNamespace, documentNamespace, type IndexedItem, type KnowledgeIndex } from './knowledge-index.js';
import type { RetrievalResult, ScoredDocument } from './retrieval-result.js';

export interface Thresholds {
  /** Stage 1: the best category must score at least this. */
  category: number;
  /** Stage 2 (and flat mode): the best document must score at least this. */
  document: number;
}

export interface RetrieveOptions {
  mode: 'two-stage' | 'flat';
  thresholds: Thresholds;
  /** Flat mode: how many documents to score and report. Default 5. */
  topK?: number | undefined;
  abortSignal?: AbortSignal | undefined;
}

export async function retrieve(
  index: KnowledgeIndex,
  question: string,
  options: RetrieveOptions,
): Promise<RetrievalResult> {
  if (question.trim() === '') {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      'The question is empty: ask something, e.g. gemma-rag ask "How do I reset my password?"',
    );
  }
  return options.mode === 'two-stage'
    ? retrieveTwoStage(index, question, options)
    : retrieveFlat(index, question, options);
}

/**
 * The seed's route: pick the best category for the question (Classification prompt),
 * then the best document inside it (Retrieval-query prompt); each stage must clear its
 * threshold or the question is refused.
 */
async function retrieveTwoStage(
  index: KnowledgeIndex,
  question: string,
  options: RetrieveOptions,
): Promise<RetrievalResult> {
  const { embedder, store } = index;
  const categoryQuery = await embedder.embedQuery(question, { promptName: 'Classification', ...signal(options) });
  const categoryHits = await store.search({
    namespace: categoryNamespace,
    vector: categoryQuery,
    topK: await store.count(categoryNamespace),
  });
  const categories = categoryHits.map((hit) => ({ name: hit.metadata.category, score: hit.score }));
  const best = categories[0];
  const base = { mode: 'two-stage' as const, thresholds: options.thresholds };
  if (!best || best.score < options.thresholds.category) {
    return {
      ...base,
      category: null,
      document: null,
      scores: { categories, documents: [] },
      refusal: 'category-below-threshold',
    };
  }
  const documentQuery = await embedder.embedQuery(question, { promptName: 'Retrieval-query', ...signal(options) });
  const documentHits = await store.search({
    namespace: documentNamespace,
    vector: documentQuery,
    topK: await store.count(documentNamespace),
    filter: (item) => item.category === best.name,
  });
  const documents = documentHits.map(toScoredDocument);
  const bestDocument = documents[0];
  const passes = bestDocument !== undefined && bestDocument.score >= options.thresholds.document;
  return {
    ...base,
    category: best,
    document: passes ? bestDocument : null,
    scores: { categories, documents },
    refusal: passes ? null : 'document-below-threshold',
  };
}

/** Top-k over all documents, gated by the document threshold. */
async function retrieveFlat(
  index: KnowledgeIndex,
  question: string,
  options: RetrieveOptions,
): Promise<RetrievalResult> {
  const query = await index.embedder.embedQuery(question, { promptName: 'Retrieval-query', ...signal(options) });
  const hits = await index.store.search({ namespace: documentNamespace, vector: query, topK: options.topK ?? 5 });
  const documents = hits.map(toScoredDocument);
  const best = documents[0];
  const passes = best !== undefined && best.score >= options.thresholds.document;
  return {
    mode: 'flat',
    thresholds: options.thresholds,
    category: null,
    document: passes ? best : null,
    scores: { categories: [], documents },
    refusal: passes ? null : 'document-below-threshold',
  };
}

function toScoredDocument(hit: VectorSearchHit<IndexedItem>): ScoredDocument {
  return {
    title: hit.metadata.title ?? '',
    category: hit.metadata.category,
    score: hit.score,
    content: hit.metadata.content ?? '',
  };
}

function signal(options: RetrieveOptions): { abortSignal?: AbortSignal } {
  return options.abortSignal ? { abortSignal: options.abortSignal } : {};
}
