import { errorCodes, GemmaRagError } from '../spec/errors.js';
import {
  type ChunkItem,
  categoryNamespace,
  chunkNamespace,
  type IndexedItem,
  type KeywordHit,
} from '../spec/knowledge-store.js';
import type { MetadataWhere, VectorSearchHit } from '../spec/vector-store.js';
import { resolveScope, type SearchScope } from './filter-scope.js';
import type { KnowledgeIndex } from './knowledge-index.js';
import { type RankedDocument, rankDocuments } from './rank-documents.js';
import { fuseNearTies, reciprocalRankFusion } from './reciprocal-rank-fusion.js';
import { firstEligible, firstReranked, type RefusalReason, selectCategories, type Thresholds } from './refusal-gate.js';
import { type RerankSettings, rerankDocuments } from './rerank.js';
import type {
  ContextChunk,
  RerankReport,
  RetrievalResult,
  ScoredCategory,
  ScoredDocument,
} from './retrieval-result.js';
import type { Route } from './route.js';
import { judgeSupport } from './supporting-sentence.js';

export interface RetrieveOptions {
  /** How to search: from `resolveRoute` (route.ts), the one mapper from requests to routes. */
  route: Route;
  thresholds: Thresholds;
  /**
   * Chunks fetched from the vector index per query, before grouping into documents. Default
   * 200: enough for every document of a category to be ranked, and what lets the index
   * use its fast approximate pass on large knowledge bases.
   */
  chunkCandidates?: number | undefined;
  /** Most chunks of the chosen document given to the language model. Default 3. */
  contextChunks?: number | undefined;
  /**
   * The support gate (refusal-gate.ts `isSupported`): a sentence of the chosen document's context
   * must reach this cosine with the question. Null or absent: off.
   */
  supportThreshold?: number | null | undefined;
  /** The answer's source check (answer/answer-sources.ts), reported with the thresholds; null or absent: off. */
  sourceFloor?: number | null | undefined;
  /** A cross-encoder that reorders (and may refuse) what passed the embedding gate; none by default. */
  rerank?: RerankSettings | undefined;
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
  const scope = options.route.filter ? await resolveScope(index.knowledge, options.route.filter) : null;
  return options.route.stages === 'two-stage'
    ? retrieveTwoStage(index, question, options, scope)
    : retrieveFlat(index, question, options, scope);
}

/** The vector search's `where` for chunks: the categories searched, and the filter's documents. */
function chunkWhere(categories: readonly string[] | null, scope: SearchScope | null): MetadataWhere<ChunkItem> {
  return {
    ...(categories ? { category: categories } : {}),
    ...(scope?.documentIds ? { documentId: scope.documentIds } : {}),
  };
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
  scope: SearchScope | null,
): Promise<RetrievalResult> {
  const { route, thresholds } = options;
  const categories = await rankCategories(index, question, options, scope);
  const { chosen, searched } = selectCategories(categories, { thresholds, categoryFallback: route.categoryFallback });
  const base = {
    stages: 'two-stage' as const,
    route: route.name,
    hybrid: route.keywords,
    thresholds: reported(options),
  };
  if (!chosen) {
    return {
      ...base,
      rerank: rerankReport(options.rerank, 0),
      category: null,
      document: null,
      context: [],
      searchedCategories: [],
      scores: { categories, documents: [] },
      refusal: 'category-below-threshold',
    };
  }
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
    where: chunkWhere(searched, scope) as MetadataWhere<IndexedItem>,
  });
  const keywordHits = route.keywords
    ? await knowledge.keywordSearch(question, {
        namespace: chunkNamespace,
        limit: keywordDepth,
        categories: searched,
        documentIds: scope?.documentIds ?? undefined,
      })
    : undefined;
  const scored = await withKeywordOnlyChunks(index, vectorHits, keywordHits, documentQuery);
  const documents = cutOff(rankDocuments(scored, keywordHits), route);
  return {
    ...base,
    category: chosen,
    searchedCategories: searched,
    ...(await choose(index, question, documentQuery, documents, categories, options)),
  };
}

/** The thresholds as a result reports them: the support gate's too. */
function reported(options: RetrieveOptions): RetrievalResult['thresholds'] {
  return { ...options.thresholds, support: options.supportThreshold ?? null, source: options.sourceFloor ?? null };
}

/** Stage 1's ranking: by cosine, or by fused rank with BM25 over category names and descriptions. */
async function rankCategories(
  index: KnowledgeIndex,
  question: string,
  options: RetrieveOptions,
  scope: SearchScope | null,
): Promise<ScoredCategory[]> {
  const { embedder, knowledge } = index;
  const query = await embedder.embedQuery(question, { promptName: 'Classification', abortSignal: options.abortSignal });
  const hits = await knowledge.vectors.search({
    namespace: categoryNamespace,
    vector: query,
    topK: await knowledge.vectors.count(categoryNamespace),
    ...(scope ? { where: { category: scope.categories } } : {}),
  });
  const categories = hits.map((hit) => ({ id: hit.id, name: hit.metadata.category, score: hit.score }));
  if (!options.route.keywords) return categories.map(({ name, score }) => ({ name, score }));
  const keywordHits: KeywordHit[] = await knowledge.keywordSearch(question, {
    namespace: categoryNamespace,
    limit: keywordDepth,
    categories: scope?.categories,
  });
  const fused = reciprocalRankFusion([categories.map((category) => category.id), keywordHits.map((hit) => hit.id)]);
  const keywordScores = new Map(keywordHits.map((hit) => [hit.id, hit.score]));
  // As for documents: keywords reorder only the categories the vectors cannot tell apart.
  return fuseNearTies(
    categories,
    (category) => category.score,
    (category) => fused.get(category.id) ?? 0,
  ).map(({ id, name, score }) => {
    const keywordScore = keywordScores.get(id);
    return keywordScore === undefined ? { name, score } : { name, score, keywordScore };
  });
}

/** Top-k documents over the whole knowledge base, gated by the document threshold. */
async function retrieveFlat(
  index: KnowledgeIndex,
  question: string,
  options: RetrieveOptions,
  scope: SearchScope | null,
): Promise<RetrievalResult> {
  const query = await index.embedder.embedQuery(question, {
    promptName: 'Retrieval-query',
    abortSignal: options.abortSignal,
  });
  const vectorHits = await index.knowledge.vectors.search({
    namespace: chunkNamespace,
    vector: query,
    topK: options.chunkCandidates ?? defaultChunkCandidates,
    ...(scope ? { where: chunkWhere(scope.categories, scope) as MetadataWhere<IndexedItem> } : {}),
  });
  const { route } = options;
  const keywordHits = route.keywords
    ? await index.knowledge.keywordSearch(question, {
        namespace: chunkNamespace,
        limit: keywordDepth,
        categories: scope?.categories,
        documentIds: scope?.documentIds ?? undefined,
      })
    : undefined;
  const scored = await withKeywordOnlyChunks(index, vectorHits, keywordHits, query);
  const documents = cutOff(rankDocuments(scored, keywordHits), route);
  return {
    stages: 'flat',
    route: route.name,
    hybrid: route.keywords,
    thresholds: reported(options),
    category: null,
    searchedCategories: [],
    ...(await choose(index, question, query, documents, [], options)),
  };
}

/** The relative cut-off: documents far below the best one are noise, not alternatives. */
function cutOff(documents: RankedDocument[], route: Route): RankedDocument[] {
  const fraction = route.relativeCutoff;
  const best = documents.reduce((max, document) => Math.max(max, document.score), Number.NEGATIVE_INFINITY);
  if (fraction === undefined || !(best > 0)) return documents;
  return documents.filter((document) => document.score >= fraction * best);
}

/**
 * The refusal gate (refusal-gate.ts) picks the document — after the reranker, when there is
 * one — and the support gate asks whether a sentence of its context says what was asked; the
 * report lists the top documents in the route's (or rerank) order, and always includes the
 * chosen one.
 */
async function choose(
  index: KnowledgeIndex,
  question: string,
  query: Float32Array,
  ranked: RankedDocument[],
  categories: ScoredCategory[],
  options: RetrieveOptions,
): Promise<Pick<RetrievalResult, 'document' | 'context' | 'scores' | 'refusal' | 'rerank' | 'support' | 'sentences'>> {
  const { thresholds, rerank } = options;
  const reranked = rerank
    ? await rerankDocuments(index.knowledge, question, ranked, thresholds.document, rerank, options.abortSignal)
    : undefined;
  const documents = reranked?.documents ?? ranked;
  const chosen = rerank
    ? firstReranked(documents, { document: thresholds.document, rerank: rerank.threshold })
    : firstEligible(documents, thresholds.document);
  // Two-stage reports every document of the searched categories; flat routes their top k.
  const reported = options.route.stages === 'two-stage' ? [...documents] : documents.slice(0, options.route.topK);
  if (chosen && !reported.includes(chosen)) reported.push(chosen);
  const scores = { categories, documents: reported.map(toScoredDocument) };
  const report = rerankReport(rerank, reranked?.candidates ?? 0);
  if (!chosen) {
    const refusal: RefusalReason =
      rerank && firstEligible(documents, thresholds.document) ? 'rerank-below-threshold' : 'document-below-threshold';
    return { document: null, context: [], scores, refusal, rerank: report };
  }
  const context = await contextOf(index, chosen, options);
  const threshold = options.supportThreshold ?? null;
  const { supported, support, sentences } = await judgeSupport(
    index.embedder,
    query,
    context,
    threshold,
    options.abortSignal,
  );
  const found = { scores, rerank: report, ...(support === undefined ? {} : { support }) };
  if (!supported) return { ...found, document: null, context: [], refusal: 'no-supporting-sentence' };
  return { ...found, document: toScoredDocument(chosen), context, refusal: null, ...(sentences ? { sentences } : {}) };
}

function rerankReport(rerank: RerankSettings | undefined, candidates: number): RerankReport | null {
  if (!rerank) return null;
  const { model, top, threshold } = rerank;
  return { engine: model.engine, model: model.modelId, top, threshold, candidates };
}

/**
 * The best chunk, plus the document's next-best chunks that also clear the threshold (the
 * reranker's floor when it ran), in reading order.
 */
async function contextOf(
  index: KnowledgeIndex,
  document: RankedDocument,
  options: RetrieveOptions,
): Promise<ContextChunk[]> {
  const { rerank, thresholds } = options;
  const chosen = document.chunks
    .filter((chunk, rank) =>
      rerank
        ? chunk.rerankScore !== undefined && chunk.rerankScore >= rerank.threshold
        : rank === 0 || chunk.score >= thresholds.document,
    )
    .slice(0, options.contextChunks ?? 3)
    .sort((left, right) => left.position - right.position);
  const passages = await index.knowledge.chunkPassages(chosen.map((chunk) => chunk.vectorId));
  return chosen.map((chunk) => {
    const passage = passages.get(chunk.vectorId);
    return {
      title: document.title,
      category: document.category,
      position: chunk.position,
      score: chunk.score,
      text: passage?.text ?? '',
      source: passage?.source ?? '',
      location: passage?.location,
      ...(chunk.rerankScore === undefined ? {} : { rerankScore: chunk.rerankScore }),
    };
  });
}

function toScoredDocument({
  documentId,
  title,
  category,
  score,
  keywordScore,
  rerankScore,
}: RankedDocument): ScoredDocument {
  return {
    documentId,
    title,
    category,
    score,
    ...(keywordScore === undefined ? {} : { keywordScore }),
    ...(rerankScore === undefined ? {} : { rerankScore }),
  };
}
