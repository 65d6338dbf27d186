import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { categoryNamespace, chunkNamespace } from '../spec/knowledge-store.js';
import type { KnowledgeIndex } from './knowledge-index.js';
import { type RankedDocument, rankDocuments } from './rank-documents.js';
import type { ContextChunk, RetrievalResult, ScoredDocument } from './retrieval-result.js';

export interface Thresholds {
  /** Stage 1: the best category must score at least this. */
  category: number;
  /** Stage 2 (and flat mode): the best document must score at least this. */
  document: number;
}

export interface RetrieveOptions {
  mode: 'two-stage' | 'flat';
  thresholds: Thresholds;
  /** How many documents to report (flat mode); two-stage reports every document of the chosen category. Default 5. */
  topK?: number | undefined;
  /** Most chunks of the chosen document given to the language model. Default 3. */
  contextChunks?: number | undefined;
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
 * then the best document inside it (Retrieval-query prompt) by its best chunk; each stage
 * must clear its threshold or the question is refused.
 */
async function retrieveTwoStage(
  index: KnowledgeIndex,
  question: string,
  options: RetrieveOptions,
): Promise<RetrievalResult> {
  const { embedder, knowledge } = index;
  const categoryQuery = await embedder.embedQuery(question, {
    promptName: 'Classification',
    abortSignal: options.abortSignal,
  });
  const categoryHits = await knowledge.vectors.search({
    namespace: categoryNamespace,
    vector: categoryQuery,
    topK: await knowledge.vectors.count(categoryNamespace),
  });
  const categories = categoryHits.map((hit) => ({ name: hit.metadata.category, score: hit.score }));
  const best = categories[0];
  const base = { mode: 'two-stage' as const, thresholds: options.thresholds };
  if (!best || best.score < options.thresholds.category) {
    return {
      ...base,
      category: null,
      document: null,
      context: [],
      scores: { categories, documents: [] },
      refusal: 'category-below-threshold',
    };
  }
  const documentQuery = await embedder.embedQuery(question, {
    promptName: 'Retrieval-query',
    abortSignal: options.abortSignal,
  });
  const chunkHits = await knowledge.vectors.search({
    namespace: chunkNamespace,
    vector: documentQuery,
    topK: await knowledge.vectors.count(chunkNamespace),
    filter: (item) => item.category === best.name,
  });
  const documents = rankDocuments(chunkHits);
  return { ...base, category: best, ...(await choose(index, documents, categories, options)) };
}

/** Top-k documents over the whole knowledge base, gated by the document threshold. */
async function retrieveFlat(
  index: KnowledgeIndex,
  question: string,
  options: RetrieveOptions,
): Promise<RetrievalResult> {
  const query = await index.embedder.embedQuery(question, {
    promptName: 'Retrieval-query',
    abortSignal: options.abortSignal,
  });
  const chunkHits = await index.knowledge.vectors.search({
    namespace: chunkNamespace,
    vector: query,
    topK: await index.knowledge.vectors.count(chunkNamespace),
  });
  const documents = rankDocuments(chunkHits).slice(0, options.topK ?? 5);
  return {
    mode: 'flat',
    thresholds: options.thresholds,
    category: null,
    ...(await choose(index, documents, [], options)),
  };
}

async function choose(
  index: KnowledgeIndex,
  documents: RankedDocument[],
  categories: RetrievalResult['scores']['categories'],
  options: RetrieveOptions,
): Promise<Pick<RetrievalResult, 'document' | 'context' | 'scores' | 'refusal'>> {
  const scores = { categories, documents: documents.map(toScoredDocument) };
  const best = documents[0];
  if (!best || best.score < options.thresholds.document) {
    return { document: null, context: [], scores, refusal: 'document-below-threshold' };
  }
  return { document: toScoredDocument(best), context: await contextOf(index, best, options), scores, refusal: null };
}

/** The best chunk, plus the document's next-best chunks that also clear the threshold, in reading order. */
async function contextOf(
  index: KnowledgeIndex,
  document: RankedDocument,
  options: RetrieveOptions,
): Promise<ContextChunk[]> {
  const chosen = document.chunks
    .filter((chunk, rank) => rank === 0 || chunk.score >= options.thresholds.document)
    .slice(0, options.contextChunks ?? 3)
    .sort((left, right) => left.position - right.position);
  const texts = await index.knowledge.chunkTexts(chosen.map((chunk) => chunk.vectorId));
  return chosen.map((chunk) => ({
    title: document.title,
    category: document.category,
    position: chunk.position,
    score: chunk.score,
    text: texts.get(chunk.vectorId) ?? '',
  }));
}

function toScoredDocument({ documentId, title, category, score }: RankedDocument): ScoredDocument {
  return { documentId, title, category, score };
}
