import type { Rag } from '../app/rag.js';
import {
  type CalibrationRecord,
  calibrationSettingKey,
  embeddingOf,
  serializeCalibration,
} from '../retrieval/calibration-record.js';
import type { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import type { CategoryFallback, Thresholds } from '../retrieval/refusal-gate.js';
import type { RouteName } from '../retrieval/route.js';
import type { KnowledgeStore } from '../spec/knowledge-store.js';
import {
  type AnswerRefuseSummary,
  countOutcomes,
  type DecisionSettings,
  type LabelledProfile,
  summarize,
} from './answer-decision.js';
import { calibrateThresholds } from './calibrate-thresholds.js';
import { type Label, labelProblemsError, loadLabels } from './label-file.js';
import { scoreQuestions } from './score-questions.js';

export { type EvalMode, evalModes } from './answer-decision.js';

export interface CalibrateOptions {
  /** The JSON Lines file of labelled questions (eval/label-file.ts). */
  labelsPath: string;
  /** The route to calibrate for. */
  mode: RouteName;
  /** Categories the calibrated fallback may search (1 = keep the single category). */
  fallbackCategories: number;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface CalibrationSide {
  thresholds: Thresholds;
  categoryFallback: CategoryFallback | null;
  summary: AnswerRefuseSummary;
}

export interface CalibrationOutcome {
  labels: { answerable: number; unanswerable: number };
  /** What `ask` used for this route before: given, stored or default thresholds. */
  before: CalibrationSide;
  /** What is stored now, and what it scores on the labels. */
  after: CalibrationSide;
  record: CalibrationRecord;
  /** The setting it was stored under. */
  stored: string;
}

/** Reads and checks the labels; no model is needed, so commands call it before loading one. */
export function readLabels(path: string): Promise<Label[]> {
  return loadLabels(path);
}

/**
 * The calibrate flow: score every labelled question on the route (thresholds open, so every
 * score is kept), compare what the route uses today with the best thresholds and category
 * fallback for answer-vs-refuse F1, and store the choice in the knowledge base, where `ask`,
 * `search` and `serve` read it for the same model, size and route.
 */
export async function calibrate(
  rag: Rag,
  index: KnowledgeIndex<KnowledgeStore>,
  labels: readonly Label[],
  options: CalibrateOptions,
): Promise<CalibrationOutcome> {
  await checkExpectedDocuments(options.labelsPath, labels, index.knowledge);
  const { mode } = options;
  const scored = await scoreQuestions(
    index,
    labels.map((label) => label.question),
    { modes: [mode], onProgress: options.onProgress },
  );
  const labelled: LabelledProfile[] = (scored.get(mode) ?? []).map((scores, position) => ({
    expected: labels[position]?.expected ?? null,
    profile: scores.profile,
  }));
  // "Before" is what `ask --mode <mode>` would use today: the same route resolution.
  const route = rag.route(index, { mode });
  const before: DecisionSettings = {
    thresholds: rag.thresholds.thresholdsFor(index, route),
    categoryFallback: route.categoryFallback,
  };
  const chosen = calibrateThresholds({
    mode,
    labelled,
    current: before.thresholds,
    fallbackCategories: options.fallbackCategories,
  });
  const after: DecisionSettings = {
    thresholds: chosen.thresholds,
    categoryFallback: chosen.categoryFallback ?? undefined,
  };
  const beforeSummary = summarize(countOutcomes(mode, labelled, before));
  const answerable = labelled.filter((item) => item.expected !== null).length;
  const labelCounts = { answerable, unanswerable: labelled.length - answerable };
  const record: CalibrationRecord = {
    category: chosen.thresholds.category,
    document: chosen.thresholds.document,
    categoryFallback: chosen.categoryFallback,
    mode: route.calibrationKey,
    embedding: embeddingOf(rag.embedder),
    labels: labelCounts,
    f1Before: beforeSummary.answerF1,
    f1After: chosen.f1,
    calibratedAt: new Date().toISOString(),
  };
  await index.knowledge.writeSetting(calibrationSettingKey, serializeCalibration(record));
  return {
    labels: labelCounts,
    before: { thresholds: before.thresholds, categoryFallback: route.categoryFallback, summary: beforeSummary },
    after: {
      thresholds: chosen.thresholds,
      categoryFallback: chosen.categoryFallback,
      summary: summarize(countOutcomes(mode, labelled, after)),
    },
    record,
    stored: calibrationSettingKey,
  };
}

/** A label naming a document that is not in the knowledge base could never count as answered correctly. */
async function checkExpectedDocuments(path: string, labels: readonly Label[], store: KnowledgeStore): Promise<void> {
  const known = new Set((await store.listDocuments()).map((document) => `${document.category}\u0000${document.title}`));
  const problems = labels.flatMap((label) =>
    label.expected && !known.has(`${label.expected.category}\u0000${label.expected.title}`)
      ? [
          {
            line: label.line,
            reason: `no document titled "${label.expected.title}" in category "${label.expected.category}" in the knowledge base`,
          },
        ]
      : [],
  );
  if (problems.length > 0) throw labelProblemsError(path, problems);
}
