import { resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultModelProfile, parseDimensions } from '../../app/options.js';
import { type EvalMode, evalModes, evaluateXquad, formatEvalReport, loadXquad } from '../../eval/evaluate-xquad.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import {
  addEngineOptions,
  addRerankOptions,
  configFromFlags,
  createRagForCli,
  type EngineFlags,
  parseThreshold,
} from '../engine-options.js';
import { parseFraction, parsePositiveInteger } from '../parse-flags.js';
import { progressBar } from '../progress.js';
import { registerEvalAnswers } from './eval-answers.js';

interface EvalFlags extends EngineFlags {
  data: string;
  lang: string;
  kbLang?: string;
  mode?: string;
  charts?: string;
  calibrate?: boolean;
  heldOut: string;
  seed: string;
  categoryFallback: string;
  threshold?: string;
  categoryThreshold?: string;
  documentThreshold?: string;
  embeddingCache?: string;
}

export function registerEval(program: Command, io: CliIo, run: CommandRunner) {
  const evaluate = program
    .command('eval')
    .description('measure retrieval and refusal (xquad) or end-to-end answers (answers) on a benchmark data set');
  const command = evaluate
    .command('xquad')
    .description(
      'XQuAD: article title = category, paragraph = document, question = query with one gold paragraph (1,190 questions)',
    )
    .requiredOption('--data <dir>', 'folder with xquad.<lang>.json files (SQuAD v1.1 shape)')
    .option('--lang <lang>', 'language of the questions', 'en')
    .option('--kb-lang <lang>', 'language of the paragraphs (default: --lang); differs = cross-lingual')
    .option('--mode <modes>', `comma-separated retrieval modes (${evalModes.join(', ')}); default all`)
    .option('--charts <dir>', 'write SVG charts into this folder')
    .option('--calibrate', 'also choose thresholds that maximize answer-vs-refuse F1 on the refusal split')
    .option('--held-out <fraction>', 'share of articles removed from the knowledge base for the refusal test', '0.2')
    .option('--seed <n>', 'seed of the held-out split', '1')
    .option('--category-fallback <n>', 'categories the calibrated fallback may search (1 = no fallback)', '2')
    .option('--threshold <x>', 'similarity threshold for both stages in the refusal test (default: the engine’s)')
    .option('--category-threshold <x>', 'stage 1 threshold in the refusal test (overrides --threshold)')
    .option('--document-threshold <x>', 'stage 2 threshold in the refusal test (overrides --threshold)')
    .option(
      '--embedding-cache <file>',
      'keep every vector in this file and reuse it next time (per model): repeated runs embed nothing twice',
    );
  addRerankOptions(command);
  addEngineOptions(command);
  const dimensionsOption = command.options.find((option) => option.long === '--dimensions');
  if (dimensionsOption) {
    dimensionsOption.description = 'comma-separated Matryoshka sizes, one index each (default 768,512,256,128)';
  }
  command.action((flags: EvalFlags) => run(() => evalXquad(io, flags), flags.json ?? false));
  registerEvalAnswers(evaluate, io, run);
}

export function parseModes(value: string | undefined): EvalMode[] {
  if (value === undefined) return [...evalModes];
  const modes = value.split(',').map((mode) => mode.trim());
  const unknown = modes.filter((mode) => !(evalModes as readonly string[]).includes(mode));
  if (unknown.length > 0 || modes.length === 0) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `--mode must list modes from ${evalModes.join(', ')}; got "${value}".`,
      { data: { flag: '--mode', value } },
    );
  }
  return [...new Set(modes as EvalMode[])];
}

export function parseDimensionList(value: string | undefined): number[] {
  if (value === undefined) return [768, 512, 256, 128];
  const sizes = value.split(',').map((size) => parseDimensions(size, defaultModelProfile.nativeDimensions));
  return [...new Set(sizes)];
}

async function evalXquad(io: CliIo, flags: EvalFlags): Promise<void> {
  const modes = parseModes(flags.mode);
  const dimensions = parseDimensionList(flags.dimensions);
  const heldOut = parseFraction(flags.heldOut, '--held-out');
  if (heldOut <= 0 || heldOut >= 1) {
    throw new GemmaRagError(errorCodes.invalidArgument, `--held-out must be between 0 and 1; got "${flags.heldOut}".`);
  }
  const seed = /^\d+$/.test(flags.seed.trim()) ? Number(flags.seed) : Number.NaN;
  if (!Number.isSafeInteger(seed)) {
    throw new GemmaRagError(errorCodes.invalidArgument, `--seed must be a whole number; got "${flags.seed}".`);
  }
  const fallbackCategories = parsePositiveInteger(flags.categoryFallback, '--category-fallback');
  const both = parseThreshold(flags.threshold, '--threshold');
  const { dimensions: _single, ...engineFlags } = flags;
  const config = {
    ...configFromFlags(engineFlags),
    categoryThreshold: parseThreshold(flags.categoryThreshold, '--category-threshold') ?? both,
    documentThreshold: parseThreshold(flags.documentThreshold, '--document-threshold') ?? both,
  };
  const dataset = await loadXquad(resolve(flags.data), flags.lang, flags.kbLang ?? flags.lang);
  const bars = new Map<string, ReturnType<typeof progressBar>>();
  const stopBars = () => {
    for (const bar of bars.values()) bar.stop();
  };
  // One engine for every size: each text is embedded once and truncated per size.
  await using rag = await createRagForCli(io, config, flags, { cacheEmbeddings: true });
  const { report, charts } = await evaluateXquad(rag, {
    dataset,
    modes,
    dimensions,
    heldOut,
    seed,
    calibrate: flags.calibrate ?? false,
    fallbackCategories,
    embeddingCache: flags.embeddingCache ? resolve(flags.embeddingCache) : undefined,
    chartsFolder: flags.charts ? resolve(flags.charts) : undefined,
    onNotice: (message) => {
      if (!flags.json) writeLine(io.stderr, message);
    },
    onProgress: (stage, done, total) => {
      let bar = bars.get(stage);
      if (!bar) {
        stopBars();
        bar = progressBar(io, stage.padEnd(16), { enabled: !flags.json });
        bars.set(stage, bar);
      }
      bar.update(done, total);
    },
  }).finally(stopBars);
  if (flags.json) {
    writeJson(io, { ...report, ...(flags.charts ? { charts } : {}) });
    return;
  }
  writeLine(io.stdout, formatEvalReport(report));
  for (const chart of charts) writeLine(io.stderr, `Wrote ${chart}`);
}
