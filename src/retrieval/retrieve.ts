import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { categoryNamespace, chunkNamespace, type IndexedItem, type KeywordHit } from '../spec/knowledge-store.js';
import type { VectorSearchHit } from '../spec/vector-store.js';
import type { KnowledgeIndex } from './knowledge-index.js';
import { type RankedDocument, rankDocuments } from './rank-documents.js';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.js';
import type { ContextChunk, RetrievalResult, ScoredCategory, ScoredDocument } from './retrieval-result.js';

export interface Thresholds {
  /** Stage 1: the best category must score at least this. */
  category: number;
  /** Stage 2 (and flat mode): the best document must score at least this. */
  document: number;
}

export interface CategoryFallback {
  /** Search documents in up to this many top categories (1 = the seed's single category). */
  categories: number;
  /** ...when they trail the best category by less than this similarity. */
  margin: number;
}

export interface RetrieveOptions {
  mode: 'two-stage' | 'flat';
  thresholds: Thresholds;
  /** Fuse BM25 keyword results with vector results (reciprocal rank fusion), in every stage. */
  hybrid?: boolean | undefined;
  /** Two-stage: when stage 1 is a near tie, also search the runner-up categories. Default off. */
  categoryFallback?: CategoryFallback | undefined;
  /** Drop documents scoring below this fraction of the best document's score (e.g. 0.8). */
  relativeCutoff?: number | undefined;
  /** How many documents to report (flat mode); two-stage reports every document of the searched categories. Default 5. */
  topK?: number | undefined;
  /**
   * Chunks fetched from the vector index per query, before grouping into documents. Default
   * 200: enough for every document of a category to be ranked, and what lets the index
   * use its fast approximate pass on large knowledge bases.
   */
  chunkCandidates?: number | undefined;
  /** Most chunks of the chosen document given to the language model. Default 3. */
  contextChunks?: number | undefined;
  abortSignal?: AbortSignal | undefined;
}

/** How many keyword hits take part in fusion; deeper ranks add almost nothing to RRF. */
const keywordDepth = 100;
const defaultChunkCandidates = 200;

/**
 * Keyword matches the vector candidates missed still need a cosine score (the refusal gate
 * uses it): score them exactly and rank them after the vector candidates.
 */
async function withKeywordOnlyChunks(
  index: KnowledgeIndex,
  vectorHits: VectorSearchHit<IndexedItem>[],
  keywordHits: readonly KeywordHit[] | undefined,
  query: Float32Array,
): Promise<VectorSearchHit<IndexedItem>[]> {
  if (!keywordHits) return vectorHits;
  const seen = new Set(vectorHits.map((hit) => hit.id));
  const missing = keywordHits.map((hit) => hit.id).filter((id) => !seen.has(id));
  return missing.length === 0 ? vectorHits : [...vectorHits, ...(await index.knowledge.scoreChunks(missing, query))];
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
  const categories = await rankCategories(index, question, options);
  const best = categories[0];
  const base = { mode: 'two-stage' as const, hybrid: options.hybrid ?? false, thresholds: options.thresholds };
  if (!best || best.score < options.thresholds.category) {
    return {
      ...base,
      category: null,
      document: null,
      context: [],
      searchedCategories: [],
      scores: { categories, documents: [] },
      refusal: 'category-below-threshold',
    };
  }
  const searched = categoriesToSearch(categories, options);
  const { embedder, knowledge } = index;
  const documentQuery = await embedder.embedQuery(question, {
    promptName: 'Retrieval-query',
    abortSignal: options.abortSignal,
  });
  const vectorHits = await knowledge.vectors.search({
    namespace: chunkNamespace,
    vector: documentQuery,
    topK: options.chunkCandidates ?? defaultChunkCandidates,
    // Declarative, so a database store filters inside its index.
    where: { category: searched },
  });
  const keywordHits = options.hybrid
    ? await knowledge.keywordSearch(question, { namespace: chunkNamespace, limit: keywordDepth, categories: searched })
    : undefined;
  const scored = await withKeywordOnlyChunks(index, vectorHits, keywordHits, documentQuery);
  const documents = cutOff(rankDocuments(scored, keywordHits), options);
  return {
    ...base,
    category: best,
    searchedCategories: searched,
    ...(await choose(index, documents, categories, options)),
  };
}

/** Stage 1's ranking: by cosine, or by fused rank with BM25 over category names and descriptions. */
async function rankCategories(
  index: KnowledgeIndex,
  question: string,
  options: RetrieveOptions,
): Promise<ScoredCategory[]> {
  const { embedder, knowledge } = index;
  const query = await embedder.embedQuery(question, { promptName: 'Classification', abortSignal: options.abortSignal });
  const hits = await knowledge.vectors.search({
    namespace: categoryNamespace,
    vector: query,
    topK: await knowledge.vectors.count(categoryNamespace),
  });
  const categories = hits.map((hit) => ({ id: hit.id, name: hit.metadata.category, score: hit.score }));
  if (!options.hybrid) return categories.map(({ name, score }) => ({ name, score }));
  const keywordHits: KeywordHit[] = await knowledge.keywordSearch(question, {
    namespace: categoryNamespace,
    limit: keywordDepth,
  });
  const fused = reciprocalRankFusion([categories.map((category) => category.id), keywordHits.map((hit) => hit.id)]);
  const keywordScores = new Map(keywordHits.map((hit) => [hit.id, hit.score]));
  return categories
    .sort((left, right) => (fused.get(right.id) ?? 0) - (fused.get(left.id) ?? 0) || right.score - left.score)
    .map(({ id, name, score }) => {
      const keywordScore = keywordScores.get(id);
      return keywordScore === undefined ? { name, score } : { name, score, keywordScore };
    });
}

/** The best category, plus runners-up that nearly tie with it, when the fallback is on. */
function categoriesToSearch(categories: readonly ScoredCategory[], options: RetrieveOptions): string[] {
  const [best, ...rest] = categories;
  if (!best) return [];
  const fallback = options.categoryFallback;
  if (!fallback || fallback.categories <= 1) return [best.name];
  const runnersUp = rest
    .filter(
      (category) => category.score >= options.thresholds.category && best.score - category.score < fallback.margin,
    )
    .slice(0, fallback.categories - 1);
  return [best.name, ...runnersUp.map((category) => category.name)];
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
  const vectorHits = await index.knowledge.vectors.search({
    namespace: chunkNamespace,
    vector: query,
    topK: options.chunkCandidates ?? defaultChunkCandidates,
  });
  const keywordHits = options.hybrid
    ? await index.knowledge.keywordSearch(question, { namespace: chunkNamespace, limit: keywordDepth })
    : undefined;
  const scored = await withKeywordOnlyChunks(index, vectorHits, keywordHits, query);
  const documents = cutOff(rankDocuments(scored, keywordHits), options).slice(0, options.topK ?? 5);
  return {
    mode: 'flat',
    hybrid: options.hybrid ?? false,
    thresholds: options.thresholds,
    category: null,
    searchedCategories: [],
    ...(await choose(index, documents, [], options)),
  };
}

/** The relative cut-off: documents far below the best one are noise, not alternatives. */
function cutOff(documents: RankedDocument[], options: RetrieveOptions): RankedDocument[] {
  const fraction = options.relativeCutoff;
  const best = documents.reduce((max, document) => Math.max(max, document.score), Number.NEGATIVE_INFINITY);
  if (fraction === undefined || !(best > 0)) return documents;
  return documents.filter((document) => document.score >= fraction * best);
}

async function choose(
  index: KnowledgeIndex,
  documents: RankedDocument[],
  categories: ScoredCategory[],
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

function toScoredDocument({ documentId, title, category, score, keywordScore }: RankedDocument): ScoredDocument {
  return keywordScore === undefined
    ? { documentId, title, category, score }
    : { documentId, title, category, score, keywordScore };
}
