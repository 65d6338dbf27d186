import { type Command, Option } from 'commander';
import {
  countOutcomes,
  type DecisionSettings,
  type EvalMode,
  evalModes,
  type LabelledProfile,
  summarize,
} from '../../eval/answer-decision.js';
import { calibrateThresholds } from '../../eval/calibrate-thresholds.js';
import { type Label, labelProblemsError, loadLabels } from '../../eval/label-file.js';
import { scoreQuestions } from '../../eval/score-questions.js';
import {
  type CalibrationRecord,
  calibrationSettingKey,
  embeddingOf,
  serializeCalibration,
} from '../../retrieval/calibration-record.js';
import type { CategoryFallback } from '../../retrieval/refusal-gate.js';
import { defaultRouteName, resolveRoute } from '../../retrieval/route.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import type { KnowledgeAdmin } from '../../spec/knowledge-admin.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import {
  addEngineOptions,
  configFromFlags,
  createRagForCli,
  type EngineFlags,
  parseThreshold,
} from '../engine-options.js';
import { databaseSource, dbEnvironmentVariable } from '../knowledge-base-option.js';
import { parsePositiveInteger } from '../parse-flags.js';
import { progressBar } from '../progress.js';

interface CalibrateFlags extends EngineFlags {
  db?: string;
  labels: string;
  mode: EvalMode;
  categoryFallback: string;
  threshold?: string;
  categoryThreshold?: string;
  documentThreshold?: string;
}

export function registerCalibrate(program: Command, io: CliIo, run: CommandRunner) {
  const command = program
    .command('calibrate')
    .description(
      'choose the thresholds (and category-fallback margin) that best separate answerable from unanswerable labelled questions, and store them in the knowledge base',
    )
    .option('--db <location>', 'the knowledge base to calibrate: a SQLite file or postgres://… (env GEMMA_RAG_DB)')
    .requiredOption(
      '--labels <file>',
      'JSON Lines: { "question": "…", "expected": { "category": "…", "title": "…" } | null } per line',
    )
    .addOption(
      new Option('--mode <mode>', 'the retrieval route to calibrate for')
        .choices([...evalModes])
        .default(defaultRouteName),
    )
    .option('--category-fallback <n>', 'categories the fallback may search (1 = keep the single category)', '2')
    .option('--threshold <x>', '"before": both thresholds to compare against (default: stored, else the engine’s)')
    .option('--category-threshold <x>', '"before": stage 1 threshold')
    .option('--document-threshold <x>', '"before": stage 2 threshold');
  addEngineOptions(command);
  command.action((flags: CalibrateFlags) => run(() => calibrate(io, flags), flags.json ?? false));
}

async function calibrate(io: CliIo, flags: CalibrateFlags): Promise<void> {
  const fallbackCategories = parsePositiveInteger(flags.categoryFallback, '--category-fallback');
  const both = parseThreshold(flags.threshold, '--threshold');
  const config = {
    ...configFromFlags(flags),
    categoryThreshold: parseThreshold(flags.categoryThreshold, '--category-threshold') ?? both,
    documentThreshold: parseThreshold(flags.documentThreshold, '--document-threshold') ?? both,
  };
  // Validate everything that needs no model first.
  const labels = await loadLabels(flags.labels);
  const db = flags.db ?? io.environment[dbEnvironmentVariable];
  if (db === undefined || db.trim() === '') {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      'Say which knowledge base to calibrate: --db FILE or postgres://… (or set GEMMA_RAG_DB).',
    );
  }
  const source = databaseSource(db);
  const rag = await createRagForCli(io, config, flags);
  try {
    await using index = await rag.open(source.location);
    await checkExpectedDocuments(flags.labels, labels, index.knowledge);
    const bar = progressBar(io, 'Scoring labelled questions', { enabled: !flags.json });
    const scored = await scoreQuestions(
      index,
      labels.map((label) => label.question),
      { modes: [flags.mode], onProgress: (done, total) => bar.update(done, total) },
    ).finally(() => bar.stop());
    const labelled: LabelledProfile[] = (scored.get(flags.mode) ?? []).map((scores, position) => ({
      expected: labels[position]?.expected ?? null,
      profile: scores.profile,
    }));
    // "Before" is what `ask --mode <mode>` would use today: the same route resolution.
    const route = resolveRoute({ mode: flags.mode }, index.calibration);
    const before: DecisionSettings = {
      thresholds: rag.thresholdsFor(index, route.calibrationKey),
      categoryFallback: rag.calibratedFallback(index, route.calibrationKey),
    };
    const chosen = calibrateThresholds({
      mode: flags.mode,
      labelled,
      current: before.thresholds,
      fallbackCategories,
    });
    const after: DecisionSettings = {
      thresholds: chosen.thresholds,
      categoryFallback: chosen.categoryFallback ?? undefined,
    };
    const beforeSummary = summarize(countOutcomes(flags.mode, labelled, before));
    const afterSummary = summarize(countOutcomes(flags.mode, labelled, after));
    const answerable = labelled.filter((item) => item.expected !== null).length;
    const record: CalibrationRecord = {
      category: chosen.thresholds.category,
      document: chosen.thresholds.document,
      categoryFallback: chosen.categoryFallback,
      mode: route.calibrationKey,
      embedding: embeddingOf(rag.embedder),
      labels: { answerable, unanswerable: labelled.length - answerable },
      f1Before: beforeSummary.answerF1,
      f1After: chosen.f1,
      calibratedAt: new Date().toISOString(),
    };
    await index.knowledge.writeSetting(calibrationSettingKey, serializeCalibration(record));
    const output = {
      db: source.display,
      mode: flags.mode,
      engine: rag.embedder.model.label,
      dimensions: rag.embedder.dimensions,
      labels: record.labels,
      before: { thresholds: before.thresholds, categoryFallback: before.categoryFallback ?? null, ...beforeSummary },
      after: { thresholds: after.thresholds, categoryFallback: chosen.categoryFallback, ...afterSummary },
      stored: calibrationSettingKey,
    };
    if (flags.json) {
      writeJson(io, output);
      return;
    }
    const fixed = (value: number | null) => (value === null ? '—' : value.toFixed(3));
    const fallback = (value: CategoryFallback | null | undefined) =>
      value ? `${value.categories} categories within ${value.margin}` : 'off';
    writeLine(
      io.stdout,
      `${labels.length} labelled questions (${answerable} answerable, ${labelled.length - answerable} to refuse), ${flags.mode}, ${rag.embedder.model.label}, ${rag.embedder.dimensions} dimensions`,
    );
    for (const [name, settings, summary] of [
      ['before', before, beforeSummary],
      ['after ', after, afterSummary],
    ] as const) {
      writeLine(
        io.stdout,
        `${name}: category ${fixed(settings.thresholds.category)}, document ${fixed(settings.thresholds.document)}, fallback ${fallback(settings.categoryFallback)} → F1 ${fixed(summary.answerF1)} (answer accuracy ${fixed(summary.answerAccuracy)}, refusal precision ${fixed(summary.refusalPrecision)}, recall ${fixed(summary.refusalRecall)})`,
      );
    }
    writeLine(io.stdout, `Stored in ${source.display}; ask and search use these thresholds unless given others.`);
  } finally {
    await rag.dispose();
  }
}

/** A label naming a document that is not in the knowledge base could never count as answered correctly. */
async function checkExpectedDocuments(path: string, labels: readonly Label[], store: KnowledgeAdmin): Promise<void> {
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
