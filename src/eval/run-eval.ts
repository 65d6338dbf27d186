import { performance } from 'node:perf_hooks';
import type { Rag } from '../app/rag.js';
import { CachingEmbeddingModel } from '../embedding/caching-embedding-model.js';
import type { CategoryFallback, Thresholds } from '../retrieval/refusal-gate.js';
import { defaultRouteName } from '../retrieval/route.js';
import { throwIfAborted } from '../spec/errors.js';
import {
  countOutcomes,
  type DecisionSettings,
  decide,
  type EvalMode,
  type LabelledProfile,
  sameDocument,
  summarize,
} from './answer-decision.js';
import { type Calibration, calibrateThresholds } from './calibrate-thresholds.js';
import { hitAt, mean, ndcgAt, percentile, rankOf, recallAt, reciprocalRankAt } from './ranking-metrics.js';
import { documentId, type QuestionScores, scoreQuestions } from './score-questions.js';
import { holdOut } from './seeded-split.js';
import type { BenchmarkDataset } from './xquad-dataset.js';

export interface ModeResult {
  mode: EvalMode;
  /** Documents in the reranker's order (`eval --rerank`), or the route's own. */
  reranked: boolean;
  dimensions: number;
  /** Two-stage: share of questions whose gold category ranks first in stage 1 (ties count as misses); else null. */
  categoryAccuracy: number | null;
  hitAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrrAt10: number;
  ndcgAt10: number;
  /** Retrieval latency per question, embedding included, in milliseconds. */
  p50Ms: number;
  p95Ms: number;
}

export interface RefusalReport {
  mode: EvalMode;
  dimensions: number;
  seed: number;
  /** Articles (categories) removed from the knowledge base; their questions should be refused. */
  heldOutArticles: string[];
  inScopeQuestions: number;
  outOfScopeQuestions: number;
  thresholds: Thresholds;
  /** Positive class "refuse". */
  precision: number | null;
  recall: number | null;
  /** Answered from the gold paragraph, over in-scope questions. */
  answerAccuracy: number | null;
  answerF1: number | null;
}

export interface CalibrationReport {
  thresholds: Thresholds;
  categoryFallback: CategoryFallback | null;
  f1Before: number | null;
  /** F1 at the chosen settings on the questions they were chosen on: optimistic. */
  f1After: number;
  /** Two-fold by article: thresholds chosen on half the articles, F1 measured on the other half, pooled. */
  f1AfterCrossValidated: number | null;
  precision: number | null;
  recall: number | null;
  answerAccuracy: number | null;
}

export interface EvalReport {
  dataset: string;
  lang: string;
  kbLang: string;
  engine: string;
  questions: number;
  results: ModeResult[];
  /** The reranker `eval --rerank` measured, if any. */
  reranker?: { engine: string; model: string; top: number } | undefined;
  refusal: RefusalReport;
  calibration?: CalibrationReport | undefined;
  /** Texts the engine embedded, and requests answered from the cache (every size and pass share them). */
  embeddings?: { embedded: number; reused: number } | undefined;
  seconds: number;
}

/** One labelled question's scores for the histograms. */
export interface ScorePoint {
  kind: 'correct' | 'wrong' | 'out-of-scope';
  categoryScore: number | undefined;
  documentScore: number | undefined;
}

export interface EvalOutcome {
  report: EvalReport;
  /** Stage scores of the refusal run (open thresholds, no fallback), for charts. */
  scorePoints: ScorePoint[];
}

export interface RunEvalOptions {
  dataset: BenchmarkDataset;
  modes: readonly EvalMode[];
  /** One index per size; the first size (and the default route, else the first mode) is used for refusal and calibration. */
  dimensions: readonly number[];
  /**
   * The pipeline at its native size; each size is a `resized()` view of it. Create it with
   * `cacheEmbeddings` so every text is embedded once for all sizes and passes. The caller owns it.
   */
  rag: Rag;
  /** Fraction of articles held out for the refusal test. Default 0.2. */
  heldOut?: number | undefined;
  seed?: number | undefined;
  calibrate?: boolean | undefined;
  /** Categories the calibrated fallback may search (default 2). */
  fallbackCategories?: number | undefined;
  onProgress?: ((stage: string, done: number, total: number) => void) | undefined;
  abortSignal?: AbortSignal | undefined;
}

export async function runEval(options: RunEvalOptions): Promise<EvalOutcome> {
  const start = performance.now();
  const { dataset } = options;
  const seed = options.seed ?? 1;
  const questionTexts = dataset.questions.map((question) => question.question);
  const heldOutArticles = holdOut(
    dataset.knowledgeBase.map((category) => category.category),
    options.heldOut ?? 0.2,
    seed,
  );
  const results: ModeResult[] = [];
  let engine = '';
  let refusal: RefusalReport | undefined;
  let calibration: CalibrationReport | undefined;
  let scorePoints: ScorePoint[] = [];
  for (const [dimensionIndex, dimensions] of options.dimensions.entries()) {
    throwIfAborted(options.abortSignal);
    const rag = options.rag.resized(dimensions);
    engine = rag.embedder.model.label;
    await using index = await rag.index(dataset.knowledgeBase, {
      origin: `${dataset.name}.${dataset.kbLang}`,
      onProgress: (done, total) => options.onProgress?.(`index ${dimensions}d`, done, total),
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    });
    const scored = await scoreQuestions(index, questionTexts, {
      modes: options.modes,
      rerank: rag.rerank,
      onProgress: (done, total) => options.onProgress?.(`questions ${dimensions}d`, done, total),
      abortSignal: options.abortSignal,
    });
    for (const mode of options.modes) {
      const scores = scored.get(mode) ?? [];
      results.push(rankingMetrics(mode, dimensions, scores, dataset));
      if (rag.rerank) results.push(rankingMetrics(mode, dimensions, scores.map(rerankedView), dataset, true));
    }
    if (dimensionIndex !== 0) continue;
    // Refusal: the same index without the held-out articles (their vectors are removed, nothing is re-embedded).
    // The route people get unless they choose one, when measured; else the first one asked for.
    const mode = options.modes.includes(defaultRouteName) ? defaultRouteName : (options.modes[0] ?? defaultRouteName);
    for (const article of heldOutArticles) await index.knowledge.removeCategory(article);
    const remaining = await scoreQuestions(index, questionTexts, {
      modes: [mode],
      onProgress: (done, total) => options.onProgress?.(`refusal ${dimensions}d`, done, total),
      abortSignal: options.abortSignal,
    });
    const heldOutSet = new Set(heldOutArticles);
    const labelled: LabelledProfile[] = (remaining.get(mode) ?? []).map((scores, position) => {
      const question = dataset.questions[position];
      const expected = !question || heldOutSet.has(question.category) ? null : question;
      return {
        expected: expected && { category: expected.category, title: expected.title },
        profile: scores.profile,
      };
    });
    const current: DecisionSettings = { thresholds: rag.thresholds.thresholdsFor(index, rag.route(index, { mode })) };
    const summary = summarize(countOutcomes(mode, labelled, current));
    refusal = {
      mode,
      dimensions,
      seed,
      heldOutArticles,
      inScopeQuestions: labelled.filter((item) => item.expected !== null).length,
      outOfScopeQuestions: labelled.filter((item) => item.expected === null).length,
      thresholds: current.thresholds,
      precision: summary.refusalPrecision,
      recall: summary.refusalRecall,
      answerAccuracy: summary.answerAccuracy,
      answerF1: summary.answerF1,
    };
    scorePoints = labelled.map(({ expected, profile }) => {
      const decision = decide(mode, profile, { thresholds: { category: -1, document: -1 } });
      const kind = expected === null ? 'out-of-scope' : sameDocument(decision.answer, expected) ? 'correct' : 'wrong';
      return { kind, categoryScore: decision.categoryScore, documentScore: decision.documentScore };
    });
    if (options.calibrate) {
      calibration = calibrationReport(mode, labelled, dataset, current, options.fallbackCategories, seed);
    }
  }
  if (!refusal) throw new Error('runEval needs at least one dimension');
  return {
    report: {
      dataset: dataset.name,
      lang: dataset.lang,
      kbLang: dataset.kbLang,
      engine,
      questions: dataset.questions.length,
      results,
      ...(options.rag.rerank
        ? {
            reranker: {
              engine: options.rag.rerank.model.engine,
              model: options.rag.rerank.model.modelId,
              top: options.rag.rerank.top,
            },
          }
        : {}),
      refusal,
      ...(calibration ? { calibration } : {}),
      ...(options.rag.embedder.model instanceof CachingEmbeddingModel
        ? { embeddings: { ...options.rag.embedder.model.stats } }
        : {}),
      seconds: (performance.now() - start) / 1000,
    },
    scorePoints,
  };
}

/** A question's scores as the reranker ordered them (category ranking unchanged: it runs before). */
function rerankedView(scores: QuestionScores): QuestionScores {
  if (!scores.reranked) throw new Error('rerankedView needs scores taken with a reranker');
  return { ...scores, ranking: scores.reranked.ranking, milliseconds: scores.reranked.milliseconds };
}

function rankingMetrics(
  mode: EvalMode,
  dimensions: number,
  scores: readonly QuestionScores[],
  dataset: BenchmarkDataset,
  reranked = false,
): ModeResult {
  const perQuestion = scores.map((question, position) => {
    const gold = dataset.questions[position];
    const relevant = new Set(gold ? [documentId(gold)] : []);
    return {
      category: gold && mode === 'two-stage' ? (rankOf(question.categoryRanking, gold.category) === 1 ? 1 : 0) : 0,
      hitAt1: hitAt(question.ranking, relevant, 1),
      recallAt5: recallAt(question.ranking, relevant, 5),
      recallAt10: recallAt(question.ranking, relevant, 10),
      mrrAt10: reciprocalRankAt(question.ranking, relevant, 10),
      ndcgAt10: ndcgAt(question.ranking, relevant, 10),
    };
  });
  const average = (pick: (row: (typeof perQuestion)[number]) => number) => mean(perQuestion.map(pick));
  const latencies = scores.map((question) => question.milliseconds);
  return {
    mode,
    reranked,
    dimensions,
    categoryAccuracy: mode === 'two-stage' ? average((row) => row.category) : null,
    hitAt1: average((row) => row.hitAt1),
    recallAt5: average((row) => row.recallAt5),
    recallAt10: average((row) => row.recallAt10),
    mrrAt10: average((row) => row.mrrAt10),
    ndcgAt10: average((row) => row.ndcgAt10),
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
  };
}

function calibrationReport(
  mode: EvalMode,
  labelled: readonly LabelledProfile[],
  dataset: BenchmarkDataset,
  current: DecisionSettings,
  fallbackCategories: number | undefined,
  seed: number,
): CalibrationReport {
  const calibrate = (items: readonly LabelledProfile[]): Calibration =>
    calibrateThresholds({ mode, labelled: items, current: current.thresholds, fallbackCategories });
  const chosen = calibrate(labelled);
  const settingsOf = (calibration: Calibration): DecisionSettings => ({
    thresholds: calibration.thresholds,
    categoryFallback: calibration.categoryFallback ?? undefined,
  });
  const after = summarize(countOutcomes(mode, labelled, settingsOf(chosen)));
  // Two folds by article: each half is judged with thresholds chosen on the other half.
  const articles = dataset.knowledgeBase.map((category) => category.category);
  const foldA = new Set(holdOut(articles, 0.5, seed + 1));
  const inFoldA = labelled.map((_, position) => foldA.has(dataset.questions[position]?.category ?? ''));
  const half = (inA: boolean) => labelled.filter((_, position) => inFoldA[position] === inA);
  const [halfA, halfB] = [half(true), half(false)];
  const pooled = [
    countOutcomes(mode, halfB, settingsOf(calibrate(halfA))),
    countOutcomes(mode, halfA, settingsOf(calibrate(halfB))),
  ].reduce((sum, counts) => {
    for (const key of Object.keys(sum) as Array<keyof typeof sum>) sum[key] += counts[key];
    return sum;
  });
  return {
    thresholds: chosen.thresholds,
    categoryFallback: chosen.categoryFallback,
    f1Before: summarize(countOutcomes(mode, labelled, current)).answerF1,
    f1After: chosen.f1,
    f1AfterCrossValidated: summarize(pooled).answerF1,
    precision: after.refusalPrecision,
    recall: after.refusalRecall,
    answerAccuracy: after.answerAccuracy,
  };
}
