import { type Command, Option } from 'commander';
import { databaseSource, dbEnvironmentVariable } from '../../app/knowledge-source.js';
import { defaultRouteName } from '../../app/options.js';
import { type CalibrationSide, calibrate, type EvalMode, evalModes, readLabels } from '../../eval/calibrate.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import {
  addEngineOptions,
  configFromFlags,
  createRagForCli,
  type EngineFlags,
  parseThreshold,
} from '../engine-options.js';
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
  command.action((flags: CalibrateFlags) => run(() => calibrateCommand(io, flags), flags.json ?? false));
}

async function calibrateCommand(io: CliIo, flags: CalibrateFlags): Promise<void> {
  const fallbackCategories = parsePositiveInteger(flags.categoryFallback, '--category-fallback');
  const both = parseThreshold(flags.threshold, '--threshold');
  const config = {
    ...configFromFlags(flags),
    categoryThreshold: parseThreshold(flags.categoryThreshold, '--category-threshold') ?? both,
    documentThreshold: parseThreshold(flags.documentThreshold, '--document-threshold') ?? both,
  };
  // Validate everything that needs no model first.
  const labels = await readLabels(flags.labels);
  const db = flags.db ?? io.environment[dbEnvironmentVariable];
  if (db === undefined || db.trim() === '') {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      'Say which knowledge base to calibrate: --db FILE or postgres://… (or set GEMMA_RAG_DB).',
    );
  }
  const source = databaseSource(db);
  await using rag = await createRagForCli(io, config, flags);
  await using index = await rag.open(source.location);
  const bar = progressBar(io, 'Scoring labelled questions', { enabled: !flags.json });
  const outcome = await calibrate(rag, index, labels, {
    labelsPath: flags.labels,
    mode: flags.mode,
    fallbackCategories,
    onProgress: (done, total) => bar.update(done, total),
  }).finally(() => bar.stop());
  const { before, after } = outcome;
  if (flags.json) {
    writeJson(io, {
      db: source.display,
      mode: flags.mode,
      engine: rag.embedder.model.label,
      dimensions: rag.embedder.dimensions,
      labels: outcome.labels,
      before: { thresholds: before.thresholds, categoryFallback: before.categoryFallback, ...before.summary },
      after: { thresholds: after.thresholds, categoryFallback: after.categoryFallback, ...after.summary },
      stored: outcome.stored,
    });
    return;
  }
  const { answerable, unanswerable } = outcome.labels;
  const fixed = (value: number | null) => (value === null ? '—' : value.toFixed(3));
  const fallback = (value: CalibrationSide['categoryFallback']) =>
    value ? `${value.categories} categories within ${value.margin}` : 'off';
  writeLine(
    io.stdout,
    `${labels.length} labelled questions (${answerable} answerable, ${unanswerable} to refuse), ${flags.mode}, ${rag.embedder.model.label}, ${rag.embedder.dimensions} dimensions`,
  );
  for (const [name, side] of [
    ['before', before],
    ['after ', after],
  ] as const) {
    const { summary } = side;
    writeLine(
      io.stdout,
      `${name}: category ${fixed(side.thresholds.category)}, document ${fixed(side.thresholds.document)}, fallback ${fallback(side.categoryFallback)} → F1 ${fixed(summary.answerF1)} (answer accuracy ${fixed(summary.answerAccuracy)}, refusal precision ${fixed(summary.refusalPrecision)}, recall ${fixed(summary.refusalRecall)})`,
    );
  }
  writeLine(io.stdout, `Stored in ${source.display}; ask and search use these thresholds unless given others.`);
}
