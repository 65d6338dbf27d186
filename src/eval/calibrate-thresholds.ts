import { type CategoryFallback, firstEligible, selectCategories, type Thresholds } from '../retrieval/refusal-gate.js';
import { type EvalMode, type LabelledProfile, type ScoreProfile, sameDocument } from './answer-decision.js';

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
 * the only thresholds that change a decision are observed scores: candidates are stage 1's best
 * score per question (category threshold) and the documents' scores (document threshold), thinned
 * to at most `maxCandidates` each; margins are the observed gaps between the best category and its
 * runners-up, rounded up to the next 0.001 so that the gap itself falls inside, plus 0 (no fallback).
 *
 * Every grid point is judged by the refusal gate itself (refusal-gate.ts `selectCategories` and
 * `firstEligible`, the functions live retrieval calls), hoisted so that stage 1 is decided once per
 * category threshold and margin rather than once per grid point.
 *
 * Ties in F1 go to the more conservative settings: the higher document threshold, then the higher
 * category threshold, then the smaller margin — refusing is the safer mistake.
 */
export function calibrateThresholds(options: CalibrationOptions): Calibration {
  const { mode, labelled } = options;
  const answerable = labelled.filter((item) => item.expected !== null).length;
  const maxCandidates = options.maxCandidates ?? 200;
  const twoStage = mode === 'two-stage';
  const fallbackCategories = twoStage ? (options.fallbackCategories ?? 2) : 1;
  const categoryCandidates = twoStage
    ? thin(unique(labelled.map((item) => item.profile.categories[0]?.score ?? Number.NaN)), Math.min(maxCandidates, 60))
    : [options.current.category];
  const margins = fallbackCategories > 1 ? [0, ...marginCandidates(labelled, fallbackCategories, 12)] : [0];
  const documentCandidates = thin(
    unique(labelled.flatMap((item) => item.profile.documents.map((document) => document.score))),
    maxCandidates,
  ).reverse();
  const reduced = labelled.map(({ expected, profile }) => ({ expected, profile: withoutShadowed(profile) }));
  let best: (Calibration & { margin: number }) | undefined;
  for (const margin of margins) {
    const categoryFallback = margin > 0 ? { categories: fallbackCategories, margin } : null;
    for (const category of categoryCandidates) {
      // Stage 1 once per (category threshold, margin): the documents each question may be answered from.
      const inScope = reduced.map(({ expected, profile }) => {
        if (!twoStage) return { expected, documents: profile.documents };
        const { chosen, searched } = selectCategories(profile.categories, {
          thresholds: { category, document: 0 },
          categoryFallback,
        });
        const names = new Set(searched);
        return {
          expected,
          documents: chosen ? profile.documents.filter((document) => names.has(document.category)) : [],
        };
      });
      for (const document of documentCandidates) {
        let answered = 0;
        let correct = 0;
        for (const question of inScope) {
          const answer = firstEligible(question.documents, document);
          if (!answer) continue;
          answered++;
          if (question.expected !== null && sameDocument(answer, question.expected)) correct++;
        }
        const f1 = answered + answerable === 0 ? 0 : (2 * correct) / (answered + answerable);
        const candidate = { thresholds: { category, document }, categoryFallback, f1, margin };
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
 * Drops documents the gate can never choose, whatever the thresholds: one that follows, in the
 * route's order, a document of the same category scoring at least as high (whenever it would
 * be in scope and eligible, that earlier one is too, and comes first). Exact, and short lists.
 */
function withoutShadowed(profile: ScoreProfile): ScoreProfile {
  const bestSoFar = new Map<string, number>();
  const documents = profile.documents.filter((document) => {
    const previous = bestSoFar.get(document.category);
    if (previous !== undefined && previous >= document.score) return false;
    bestSoFar.set(document.category, document.score);
    return true;
  });
  return { categories: profile.categories, documents };
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
