import type { CategoryFallback, Thresholds } from '../retrieval/retrieve.js';
import {
  type EvalMode,
  type LabelledProfile,
  type ScoredKey,
  type ScoreProfile,
  sameDocument,
} from './answer-decision.js';

export interface CalibrationOptions {
  mode: EvalMode;
  labelled: readonly LabelledProfile[];
  /** Thresholds kept where the mode has no such stage (the category threshold outside two-stage). */
  current: Thresholds;
  /** Two-stage: how many categories the fallback may search; 1 = never calibrate a margin. Default 2. */
  fallbackCategories?: number | undefined;
  /** Most candidate values tried per threshold (evenly spaced among the observed ones). Default 200. */
  maxCandidates?: number | undefined;
}

export interface Calibration {
  thresholds: Thresholds;
  /** null when a margin of 0 (no fallback) did best. */
  categoryFallback: CategoryFallback | null;
  /** F1 of answer-vs-refuse at the chosen settings (see `AnswerRefuseSummary.answerF1`). */
  f1: number;
}

/**
 * Grid search over the scores actually observed. A threshold t means "pass when score ≥ t", so
 * the only thresholds that change a decision are observed scores: each candidate is one of them
 * (stage 1's best score per question for the category threshold; the best searched document's score
 * for the document threshold). Margins are the observed gaps between the best category and its
 * runners-up, rounded up to the next 0.001 so that the gap itself falls inside (`gap < margin`),
 * plus 0 (no fallback). For each margin and category threshold the document threshold is swept
 * in one pass over the questions sorted by score.
 *
 * Ties in F1 go to the more conservative settings: the higher document threshold, then the higher
 * category threshold, then the smaller margin — refusing is the safer mistake.
 */
export function calibrateThresholds(options: CalibrationOptions): Calibration {
  const { mode, labelled } = options;
  const answerable = labelled.filter((item) => item.expected !== null).length;
  const maxCandidates = options.maxCandidates ?? 200;
  const fallbackCategories = mode === 'two-stage' ? (options.fallbackCategories ?? 2) : 1;
  const categoryCandidates =
    mode === 'two-stage'
      ? thin(unique(labelled.map((item) => item.profile.categories[0]?.score ?? Number.NaN)), maxCandidates)
      : [options.current.category];
  const margins = fallbackCategories > 1 ? [0, ...marginCandidates(labelled, fallbackCategories, maxCandidates)] : [0];
  const compiled = labelled.map((item) => compile(mode, item, fallbackCategories));
  let best: (Calibration & { margin: number }) | undefined;
  for (const margin of margins) {
    const categoryFallback = margin > 0 ? { categories: fallbackCategories, margin } : undefined;
    for (const category of categoryCandidates) {
      const passing = compiled
        .map((question) => question.decide(category, margin))
        .filter((decision): decision is { score: number; correct: boolean } => decision !== undefined)
        .sort((left, right) => right.score - left.score);
      const documentCandidates = new Set(thin(unique(passing.map((item) => item.score)), maxCandidates));
      let answered = 0;
      let correct = 0;
      for (let index = 0; index < passing.length; index++) {
        const item = passing[index] as (typeof passing)[number];
        answered++;
        if (item.correct) correct++;
        // Decide only once every question with this score is counted: they pass or fail together.
        if (passing[index + 1]?.score === item.score || !documentCandidates.has(item.score)) continue;
        const f1 = answered + answerable === 0 ? 0 : (2 * correct) / (answered + answerable);
        const candidate = {
          thresholds: { category, document: item.score },
          categoryFallback: categoryFallback ?? null,
          f1,
          margin,
        };
        if (!best || isBetter(candidate, best)) best = candidate;
      }
    }
  }
  if (!best) {
    // Nothing could ever be answered: refusing everything is all there is.
    return { thresholds: { ...options.current }, categoryFallback: null, f1: 0 };
  }
  const { margin: _margin, ...calibration } = best;
  return calibration;
}

/**
 * A question's replay, specialised for the sweep: only the best category, its first runners-up and
 * each one's best document can matter, so they are looked up once instead of on every grid point.
 * Gives the same answers as `decide` (a test checks this).
 */
function compile(
  mode: EvalMode,
  { expected, profile }: LabelledProfile,
  fallbackCategories: number,
): { decide: (category: number, margin: number) => { score: number; correct: boolean } | undefined } {
  const outcome = (document: ScoredKey | undefined) =>
    document && { score: document.score, correct: expected !== null && sameDocument(document, expected) };
  if (mode !== 'two-stage') {
    const top = outcome(profile.documents[0]);
    return { decide: () => top };
  }
  const [best, ...rest] = profile.categories;
  if (!best) return { decide: () => undefined };
  const considered = [best, ...rest.slice(0, fallbackCategories - 1)];
  const firstDocument = new Map<string, number>();
  profile.documents.forEach((document, position) => {
    if (!firstDocument.has(document.category)) firstDocument.set(document.category, position);
  });
  const positions = considered.map((category) => firstDocument.get(category.name) ?? Number.POSITIVE_INFINITY);
  return {
    decide(category, margin) {
      if (best.score < category) return undefined;
      let position = positions[0] as number;
      for (let index = 1; index < considered.length; index++) {
        const runnerUp = considered[index] as { score: number };
        if (runnerUp.score >= category && best.score - runnerUp.score < margin) {
          position = Math.min(position, positions[index] as number);
        }
      }
      return outcome(profile.documents[position]);
    },
  };
}

function isBetter(candidate: Calibration & { margin: number }, incumbent: Calibration & { margin: number }): boolean {
  const epsilon = 1e-12;
  if (candidate.f1 > incumbent.f1 + epsilon) return true;
  if (candidate.f1 < incumbent.f1 - epsilon) return false;
  if (candidate.thresholds.document !== incumbent.thresholds.document) {
    return candidate.thresholds.document > incumbent.thresholds.document;
  }
  if (candidate.thresholds.category !== incumbent.thresholds.category) {
    return candidate.thresholds.category > incumbent.thresholds.category;
  }
  return candidate.margin < incumbent.margin;
}

function unique(values: readonly number[]): number[] {
  return [...new Set(values.filter(Number.isFinite))].sort((left, right) => left - right);
}

/** At most `limit` of the sorted values, evenly spaced, always keeping the smallest and largest. */
function thin(sorted: readonly number[], limit: number): number[] {
  if (sorted.length <= limit) return [...sorted];
  const step = (sorted.length - 1) / (limit - 1);
  return unique(Array.from({ length: limit }, (_, index) => sorted[Math.round(index * step)] as number));
}

function marginCandidates(labelled: readonly LabelledProfile[], categories: number, limit: number): number[] {
  const gaps = labelled.flatMap(({ profile }: { profile: ScoreProfile }) => {
    const [best, ...rest] = profile.categories;
    return best ? rest.slice(0, categories - 1).map((category) => best.score - category.score) : [];
  });
  return thin(
    unique(gaps.map((gap) => Math.ceil((gap + 1e-9) * 1000) / 1000).filter((margin) => margin > 0 && margin <= 1)),
    Math.min(limit, 40),
  );
}
