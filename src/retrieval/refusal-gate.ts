/**
 * The one answer-or-refuse rule. Live retrieval (retrieve.ts) and the replay of stored scores
 * (eval, calibrate) both call these functions, so a threshold means the same thing in both;
 * refusal-gate.test.ts pins that they agree.
 *
 * The rule: a candidate (category or document) is *eligible* when its cosine similarity to the
 * question reaches the stage's threshold. The route's own order decides among eligible
 * candidates — cosine order, or the fused order of hybrid routes — and the first eligible one
 * wins. A stage refuses only when no candidate it would use is eligible. Keyword scores can
 * reorder candidates but never make an ineligible one eligible: the gate stays on cosine, so
 * thresholds keep one meaning across routes.
 */

export interface Thresholds {
  /** Stage 1: a category must score at least this to be searched. */
  category: number;
  /** Stage 2 (and the flat routes): a document must score at least this to be answered from. */
  document: number;
}

export interface CategoryFallback {
  /** Search documents in up to this many eligible categories (1 = the seed's single category). */
  categories: number;
  /** ...when their cosine trails the chosen category's by less than this (or exceeds it). */
  margin: number;
}

export interface GateSettings {
  thresholds: Thresholds;
  categoryFallback?: CategoryFallback | null | undefined;
}

interface Scored {
  score: number;
}

/** The first candidate, in the route's order, whose cosine reaches the threshold; null = refuse. */
export function firstEligible<Candidate extends Scored>(
  ranked: readonly Candidate[],
  threshold: number,
): Candidate | null {
  return ranked.find((candidate) => candidate.score >= threshold) ?? null;
}

export interface CategorySelection<Category> {
  /** The category stage 1 chose; null = refused at stage 1. */
  chosen: Category | null;
  /** Names of the categories stage 2 searches: the chosen one, then fallback runners-up. */
  searched: string[];
}

/**
 * Stage 1: the chosen category is the first eligible one in the route's order; with a
 * fallback, the next eligible categories whose cosine trails it by less than the margin are
 * searched too (the seed's single category when the fallback is off).
 */
export function selectCategories<Category extends Scored & { name: string }>(
  ranked: readonly Category[],
  settings: GateSettings,
): CategorySelection<Category> {
  const { thresholds, categoryFallback: fallback } = settings;
  const chosen = firstEligible(ranked, thresholds.category);
  if (!chosen) return { chosen: null, searched: [] };
  const searched = [chosen.name];
  if (fallback && fallback.categories > 1) {
    for (const category of ranked) {
      if (searched.length >= fallback.categories) break;
      if (category === chosen || category.score < thresholds.category) continue;
      // Above the chosen one's cosine counts too: in a fused order a later category can score higher.
      if (chosen.score - category.score < fallback.margin) searched.push(category.name);
    }
  }
  return { chosen, searched };
}

/**
 * With a reranker (retrieval/rerank.ts), documents come in rerank order and must pass both
 * gates: the first whose cosine reaches the document threshold and whose rerank score reaches
 * the reranker's floor answers. The embedding gate keeps its meaning; the reranker only
 * reorders and filters what passed it.
 */
export function firstReranked<Candidate extends Scored & { rerankScore?: number | undefined }>(
  ranked: readonly Candidate[],
  thresholds: { document: number; rerank: number },
): Candidate | null {
  return (
    ranked.find(
      (candidate) =>
        candidate.score >= thresholds.document &&
        candidate.rerankScore !== undefined &&
        candidate.rerankScore >= thresholds.rerank,
    ) ?? null
  );
}

/**
 * The support gate, after a document is chosen: its best sentence (supporting-sentence.ts) must
 * reach the threshold; null = the gate is off (an engine whose scores live on another scale).
 */
export function isSupported(bestSentenceScore: number, threshold: number | null): boolean {
  return threshold === null || bestSentenceScore >= threshold;
}

export type RefusalReason =
  | 'category-below-threshold'
  | 'document-below-threshold'
  | 'rerank-below-threshold'
  | 'no-supporting-sentence';

export interface GateDecision<Category, Document> {
  category: Category | null;
  searched: string[];
  document: Document | null;
  refusal: RefusalReason | null;
}

/**
 * Both stages on recorded scores. `categories` is null for routes without stage 1; `documents`
 * is every document in the route's order (stage 2 keeps those of the searched categories).
 */
export function decide<Category extends Scored & { name: string }, Document extends Scored & { category: string }>(
  categories: readonly Category[] | null,
  documents: readonly Document[],
  settings: GateSettings,
): GateDecision<Category, Document> {
  if (categories === null) {
    const document = firstEligible(documents, settings.thresholds.document);
    return { category: null, searched: [], document, refusal: document ? null : 'document-below-threshold' };
  }
  const { chosen, searched } = selectCategories(categories, settings);
  if (!chosen) return { category: null, searched, document: null, refusal: 'category-below-threshold' };
  const inScope = new Set(searched);
  const document = firstEligible(
    documents.filter((candidate) => inScope.has(candidate.category)),
    settings.thresholds.document,
  );
  return { category: chosen, searched, document, refusal: document ? null : 'document-below-threshold' };
}
