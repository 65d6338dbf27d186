import { performance } from 'node:perf_hooks';
import type { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import type { CategoryFallback, Thresholds } from '../retrieval/refusal-gate.js';
import type { RerankSettings } from '../retrieval/rerank.js';
import type { RetrievalResult, ScoredDocument } from '../retrieval/retrieval-result.js';
import { retrieve } from '../retrieval/retrieve.js';
import { resolveRoute } from '../retrieval/route.js';
import type { DocumentKey, EvalMode, ScoredKey, ScoreProfile } from './answer-decision.js';
import type { RankedItem } from './ranking-metrics.js';

/** Thresholds that never refuse, so every ranking is complete; refusal is replayed separately. */
export const openThresholds: Thresholds = { category: -1, document: -1 };

/** One question run through one mode. */
export interface QuestionScores {
  profile: ScoreProfile;
  /** What the mode retrieves, best first; two-stage: only documents of the searched categories. */
  ranking: RankedItem[];
  /** Stage 1's ranking of categories (two-stage only), ids are category names. */
  categoryRanking: RankedItem[];
  /** Wall time of the mode's `retrieve` call (embedding the question included). */
  milliseconds: number;
  /** With a reranker: the mode's documents in rerank order (those it read first), and that call's time. */
  reranked?: { ranking: RankedItem[]; milliseconds: number } | undefined;
}

export const documentId = (document: DocumentKey): string => `${document.category}\u0000${document.title}`;

const toKey = ({ category, title, score }: ScoredDocument): ScoredKey => ({ category, title, score });

export interface ScoreQuestionsOptions {
  modes: readonly EvalMode[];
  /** Two-stage ranking metrics with the category fallback on (default off, the seed's single category). */
  categoryFallback?: CategoryFallback | undefined;
  /** Also rank each mode's documents with this reranker (its floor is ignored: rankings are complete). */
  rerank?: RerankSettings | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  abortSignal?: AbortSignal | undefined;
}

/**
 * Runs each question through each requested mode with open thresholds and keeps every score.
 * Two-stage also needs the flat ranking of all documents (to replay the category fallback), so
 * flat retrieval runs whenever two-stage or flat is asked for, once per question.
 */
export async function scoreQuestions(
  index: KnowledgeIndex,
  questions: readonly string[],
  options: ScoreQuestionsOptions,
): Promise<Map<EvalMode, QuestionScores[]>> {
  const results = new Map<EvalMode, QuestionScores[]>(options.modes.map((mode) => [mode, []]));
  // Every document reported (the route's top-k is at most 100): flat ranks are read in full below.
  const everyDocument = (route: ReturnType<typeof resolveRoute>) => ({ ...route, topK: Number.MAX_SAFE_INTEGER });
  const common = { thresholds: openThresholds, abortSignal: options.abortSignal };
  const flatRoute = everyDocument(resolveRoute({ mode: 'flat' }));
  const hybridRoute = everyDocument(resolveRoute({ mode: 'hybrid' }));
  const twoStageRoute = everyDocument(
    resolveRoute({
      mode: 'two-stage',
      ...(options.categoryFallback
        ? { categoryFallback: options.categoryFallback.categories, categoryMargin: options.categoryFallback.margin }
        : {}),
    }),
  );
  const timed = async <Result>(work: () => Promise<Result>) => {
    const start = performance.now();
    const result = await work();
    return { result, milliseconds: performance.now() - start };
  };
  const byPosition = (result: RetrievalResult): RankedItem[] =>
    result.scores.documents.map((document, position) => ({ id: documentId(document), score: -position }));
  const rerankRanking = async (route: typeof flatRoute, question: string) => {
    if (!options.rerank) return undefined;
    const rerank = { ...options.rerank, threshold: 0 };
    const { result, milliseconds } = await timed(() => retrieve(index, question, { ...common, route, rerank }));
    return { ranking: byPosition(result), milliseconds };
  };
  options.onProgress?.(0, questions.length);
  for (const [done, question] of questions.entries()) {
    const needsFlat = options.modes.includes('flat') || options.modes.includes('two-stage');
    const flat = needsFlat ? await timed(() => retrieve(index, question, { ...common, route: flatRoute })) : undefined;
    const flatDocuments = flat?.result.scores.documents.map(toKey) ?? [];
    for (const mode of options.modes) {
      if (mode === 'flat' && flat) {
        results.get(mode)?.push({
          profile: { categories: [], documents: flatDocuments },
          ranking: flatDocuments.map((document) => ({ id: documentId(document), score: document.score })),
          categoryRanking: [],
          milliseconds: flat.milliseconds,
          reranked: await rerankRanking(flatRoute, question),
        });
      } else if (mode === 'two-stage') {
        const { result, milliseconds } = await timed(() =>
          retrieve(index, question, { ...common, route: twoStageRoute }),
        );
        results.get(mode)?.push({
          profile: {
            categories: result.scores.categories.map(({ name, score }) => ({ name, score })),
            documents: flatDocuments,
          },
          ranking: result.scores.documents.map((document) => ({ id: documentId(document), score: document.score })),
          categoryRanking: result.scores.categories.map((category) => ({ id: category.name, score: category.score })),
          milliseconds,
          reranked: await rerankRanking(twoStageRoute, question),
        });
      } else if (mode === 'hybrid') {
        const { result, milliseconds } = await timed(() =>
          retrieve(index, question, { ...common, route: hybridRoute }),
        );
        const documents = result.scores.documents.map(toKey);
        results.get(mode)?.push({
          profile: { categories: [], documents },
          // Ordered by fused rank, not by the cosine it reports: the position is the ranking key.
          ranking: byPosition(result),
          categoryRanking: [],
          milliseconds,
          reranked: await rerankRanking(hybridRoute, question),
        });
      }
    }
    options.onProgress?.(done + 1, questions.length);
  }
  return results;
}
