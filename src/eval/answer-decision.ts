import { type GateSettings, decide as gate, type RefusalReason } from '../retrieval/refusal-gate.js';
import { type RouteName, routeNames } from '../retrieval/route.js';

/** The routes the benchmark measures: every route `ask` offers (two-stage without keyword fusion). */
export const evalModes = routeNames;
export type EvalMode = RouteName;

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
   * Every document in the route's order with its cosine score: cosine order for two-stage and
   * flat (two-stage keeps those of the searched categories when replaying, which is the order
   * stage 2 produces: both rank by best chunk, ties by document id), fused order for hybrid.
   */
  documents: ScoredKey[];
}

export type DecisionSettings = GateSettings;

export interface Decision {
  /** The document the answer would be grounded on; null = refused. */
  answer: ScoredKey | null;
  refusal: RefusalReason | null;
  /** Stage 1's best score (two-stage), else undefined. */
  categoryScore: number | undefined;
  /** The best cosine among the documents the route would answer from, when that stage ran. */
  documentScore: number | undefined;
}

/** Replays the refusal gate (src/retrieval/refusal-gate.ts, the same function retrieve calls) on stored scores. */
export function decide(mode: EvalMode, profile: ScoreProfile, settings: DecisionSettings): Decision {
  const decision = gate(mode === 'two-stage' ? profile.categories : null, profile.documents, settings);
  const stage2Ran = mode !== 'two-stage' || decision.category !== null;
  const inScope = new Set(decision.searched);
  const candidates =
    mode === 'two-stage' ? profile.documents.filter((document) => inScope.has(document.category)) : profile.documents;
  const best = candidates.reduce<number | undefined>(
    (max, document) => Math.max(max ?? -Infinity, document.score),
    undefined,
  );
  return {
    answer: decision.document,
    refusal: decision.refusal,
    categoryScore: mode === 'two-stage' ? profile.categories[0]?.score : undefined,
    documentScore: stage2Ran ? best : undefined,
  };
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
