import type { CategoryFallback, Thresholds } from '../retrieval/retrieve.js';

/** How the benchmark routes a question: the two CLI modes, plus flat with BM25 fused in (`ask --mode hybrid`). */
export const evalModes = ['two-stage', 'flat', 'hybrid'] as const;
export type EvalMode = (typeof evalModes)[number];

export interface DocumentKey {
  category: string;
  title: string;
}

export interface ScoredKey extends DocumentKey {
  score: number;
}

/**
 * Every score retrieval computed for one question with thresholds of -1 (so nothing is hidden):
 * enough to replay the answer-or-refuse decision for any thresholds without embedding again.
 */
export interface ScoreProfile {
  /** Stage 1 cosine scores, best first (two-stage; empty in the other modes). */
  categories: Array<{ name: string; score: number }>;
  /**
   * Every document in the mode's order with its cosine score. Two-stage: the flat vector ranking
   * of all documents, filtered to the searched categories when replaying (the same order stage 2
   * produces, since both rank by best chunk, ties by document id).
   */
  documents: ScoredKey[];
}

export interface DecisionSettings {
  thresholds: Thresholds;
  /** Two-stage: search runner-up categories in a near tie; absent or 1 category = off. */
  categoryFallback?: CategoryFallback | undefined;
}

export interface Decision {
  /** The document the answer would be grounded on; null = refused. */
  answer: ScoredKey | null;
  refusal: 'category-below-threshold' | 'document-below-threshold' | null;
  /** Stage 1's best score (two-stage), else undefined. */
  categoryScore: number | undefined;
  /** The best searched document's score, when stage 2 ran. */
  documentScore: number | undefined;
}

/** Replays `retrieve`'s gate: the same rules as src/retrieval/retrieve.ts, on stored scores. */
export function decide(mode: EvalMode, profile: ScoreProfile, settings: DecisionSettings): Decision {
  const { thresholds } = settings;
  if (mode === 'two-stage') {
    const [best, ...rest] = profile.categories;
    const categoryScore = best?.score;
    if (!best || best.score < thresholds.category) {
      return { answer: null, refusal: 'category-below-threshold', categoryScore, documentScore: undefined };
    }
    const searched = new Set([best.name, ...runnersUp(best.score, rest, settings).map((category) => category.name)]);
    return gateDocument(
      profile.documents.find((document) => searched.has(document.category)),
      thresholds,
      categoryScore,
    );
  }
  return gateDocument(profile.documents[0], thresholds, undefined);
}

function gateDocument(top: ScoredKey | undefined, thresholds: Thresholds, categoryScore: number | undefined): Decision {
  if (!top || top.score < thresholds.document) {
    return { answer: null, refusal: 'document-below-threshold', categoryScore, documentScore: top?.score };
  }
  return { answer: top, refusal: null, categoryScore, documentScore: top.score };
}

/** Categories are best first, so the runners-up that qualify are always a prefix of the rest. */
function runnersUp(
  bestScore: number,
  rest: ReadonlyArray<{ name: string; score: number }>,
  settings: DecisionSettings,
): Array<{ name: string; score: number }> {
  const fallback = settings.categoryFallback;
  const chosen: Array<{ name: string; score: number }> = [];
  if (!fallback || fallback.categories <= 1) return chosen;
  for (const category of rest) {
    if (chosen.length >= fallback.categories - 1) break;
    if (category.score >= settings.thresholds.category && bestScore - category.score < fallback.margin) {
      chosen.push(category);
    }
  }
  return chosen;
}

export function sameDocument(left: DocumentKey | null | undefined, right: DocumentKey | null | undefined): boolean {
  return !!left && !!right && left.category === right.category && left.title === right.title;
}

/** A question with what should happen: answered from `expected`, or refused (null). */
export interface LabelledProfile {
  expected: DocumentKey | null;
  profile: ScoreProfile;
}

export interface AnswerRefuseCounts {
  /** Questions with an expected document. */
  answerable: number;
  /** Questions that should be refused. */
  unanswerable: number;
  /** Answered with the expected document. */
  answeredCorrectly: number;
  /** Answerable, but answered from another document. */
  answeredWrongly: number;
  /** Should have been refused, but answered. */
  answeredUnanswerable: number;
  refusedAnswerable: number;
  refusedUnanswerable: number;
}

export function countOutcomes(
  mode: EvalMode,
  labelled: readonly LabelledProfile[],
  settings: DecisionSettings,
): AnswerRefuseCounts {
  const counts: AnswerRefuseCounts = {
    answerable: 0,
    unanswerable: 0,
    answeredCorrectly: 0,
    answeredWrongly: 0,
    answeredUnanswerable: 0,
    refusedAnswerable: 0,
    refusedUnanswerable: 0,
  };
  for (const { expected, profile } of labelled) {
    const { answer } = decide(mode, profile, settings);
    if (expected === null) {
      counts.unanswerable++;
      if (answer) counts.answeredUnanswerable++;
      else counts.refusedUnanswerable++;
    } else {
      counts.answerable++;
      if (!answer) counts.refusedAnswerable++;
      else if (sameDocument(answer, expected)) counts.answeredCorrectly++;
      else counts.answeredWrongly++;
    }
  }
  return counts;
}

/** null where a ratio has nothing to divide by (e.g. refusal precision when nothing was refused). */
const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

export interface AnswerRefuseSummary {
  /**
   * The calibration objective. Positive class "answer", where only an answer from the expected
   * document counts as a true positive: precision = correct answers / all answers, recall =
   * correct answers / answerable questions, F1 = 2·correct / (answers + answerable).
   */
  answerF1: number | null;
  answerPrecision: number | null;
  answerRecall: number | null;
  /** Positive class "refuse": refused unanswerable / all refused. */
  refusalPrecision: number | null;
  /** Refused unanswerable / all unanswerable. */
  refusalRecall: number | null;
  /** Answered AND from the expected document, over answerable questions (= answerRecall). */
  answerAccuracy: number | null;
}

export function summarize(counts: AnswerRefuseCounts): AnswerRefuseSummary {
  const answered = counts.answeredCorrectly + counts.answeredWrongly + counts.answeredUnanswerable;
  const refused = counts.refusedAnswerable + counts.refusedUnanswerable;
  return {
    answerF1: ratio(2 * counts.answeredCorrectly, answered + counts.answerable),
    answerPrecision: ratio(counts.answeredCorrectly, answered),
    answerRecall: ratio(counts.answeredCorrectly, counts.answerable),
    refusalPrecision: ratio(counts.refusedUnanswerable, refused),
    refusalRecall: ratio(counts.refusedUnanswerable, counts.unanswerable),
    answerAccuracy: ratio(counts.answeredCorrectly, counts.answerable),
  };
}
