import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  AnswerCache,
  type AnswerPromptId,
  type AnswerSetSource,
  answerPromptIds,
  defaultAnswerCachePath,
  defaultAnswerPrompt,
  evaluateAnswers,
  formatAnswersReport,
  loadAnswerSet,
} from '../../eval/evaluate-answers.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import {
  addEngineOptions,
  addGenerationOptions,
  addSupportGateOption,
  configFromFlags,
  createRagForCli,
  type EngineFlags,
} from '../engine-options.js';
import { parseFraction, parsePositiveInteger } from '../parse-flags.js';
import { progressBar } from '../progress.js';

interface EvalAnswersFlags extends EngineFlags {
  generationModel?: string;
  data?: string;
  lang: string;
  kbLang?: string;
  kb?: string;
  labels?: string;
  prompt?: string;
  answerable: string;
  unanswerable: string;
  heldOut: string;
  seed: string;
  maxTokens: string;
  temperature: string;
  answerCache?: string | false;
  embeddingCache?: string;
  charts?: string;
  verbose?: boolean;
}

export function registerEvalAnswers(evaluate: Command, io: CliIo, run: CommandRunner) {
  const command = evaluate
    .command('answers')
    .description(
      'end-to-end answer quality: retrieval, then a real answer per question, scored against gold answers (XQuAD, or a knowledge base with a label file)',
    )
    .option('--data <dir>', 'XQuAD folder (xquad.<lang>.json files)')
    .option('--lang <lang>', 'XQuAD: language of the questions', 'en')
    .option('--kb-lang <lang>', 'XQuAD: language of the paragraphs (default: --lang); differs = cross-lingual')
    .option('--kb <file>', 'instead of XQuAD: a seed-format knowledge base (JSON)…')
    .option('--labels <file>', '…and its label file (JSON Lines, with "answers" on answerable lines)')
    .option(
      '--prompt <ids>',
      `comma-separated answer prompts (${answerPromptIds.join(', ')}, or all)`,
      defaultAnswerPrompt,
    )
    .option('--answerable <n>', 'XQuAD: answerable questions to sample', '40')
    .option('--unanswerable <n>', 'XQuAD: questions about left-out articles to sample (0 = none)', '6')
    .option('--held-out <fraction>', 'XQuAD: share of articles left out of the knowledge base', '0.2')
    .option('--seed <n>', 'XQuAD: seed of the sample and the left-out split', '1')
    .option('--max-tokens <n>', 'longest generated answer in tokens', '256')
    .option('--temperature <t>', 'sampling temperature (0 = greedy)', '0')
    .option(
      '--answer-cache <file>',
      `reuse answers per model, prompt and question (default ${defaultAnswerCachePath()})`,
    )
    .option('--no-answer-cache', 'generate every answer again')
    .option('--embedding-cache <file>', 'keep every vector in this file and reuse it next time (per model)')
    .option('--charts <dir>', 'write an SVG bar chart of the results into this folder')
    .option('--verbose', 'print every question and answer to stderr');
  addGenerationOptions(command);
  addEngineOptions(command);
  addSupportGateOption(command);
  command.action((flags: EvalAnswersFlags) => run(() => evalAnswers(io, flags), flags.json ?? false));
}

export function parsePrompts(value: string): AnswerPromptId[] {
  if (value.trim() === 'all') return [...answerPromptIds];
  const prompts = value.split(',').map((prompt) => prompt.trim());
  const unknown = prompts.filter((prompt) => !(answerPromptIds as readonly string[]).includes(prompt));
  if (unknown.length > 0) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `--prompt must list prompts from ${answerPromptIds.join(', ')} (or all); got "${value}".`,
      { data: { flag: '--prompt', value } },
    );
  }
  return [...new Set(prompts as AnswerPromptId[])];
}

function parseCount(value: string, flag: string): number {
  return value.trim() === '0' ? 0 : parsePositiveInteger(value, flag);
}

function sourceFromFlags(flags: EvalAnswersFlags): AnswerSetSource {
  if (flags.data && (flags.kb || flags.labels)) {
    throw new GemmaRagError(errorCodes.invalidArgument, 'Give either --data (XQuAD) or --kb with --labels, not both.');
  }
  if (flags.kb || flags.labels) {
    if (!flags.kb || !flags.labels) {
      throw new GemmaRagError(errorCodes.invalidArgument, '--kb and --labels go together.');
    }
    return { kind: 'labelled', knowledgeBase: resolve(flags.kb), labels: resolve(flags.labels) };
  }
  if (!flags.data) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      'Give --data <XQuAD folder>, or --kb <file> with --labels <file>.',
    );
  }
  const heldOut = parseFraction(flags.heldOut, '--held-out');
  if (heldOut <= 0 || heldOut >= 1) {
    throw new GemmaRagError(errorCodes.invalidArgument, `--held-out must be between 0 and 1; got "${flags.heldOut}".`);
  }
  return {
    kind: 'xquad',
    directory: resolve(flags.data),
    lang: flags.lang,
    kbLang: flags.kbLang ?? flags.lang,
    answerable: parsePositiveInteger(flags.answerable, '--answerable'),
    unanswerable: parseCount(flags.unanswerable, '--unanswerable'),
    heldOut,
    seed: parseCount(flags.seed, '--seed'),
  };
}

function parseTemperature(value: string): number {
  const temperature = Number(value);
  if (value.trim() === '' || !Number.isFinite(temperature) || temperature < 0 || temperature > 2) {
    throw new GemmaRagError(errorCodes.invalidArgument, `--temperature must be a number from 0 to 2; got "${value}".`, {
      data: { flag: '--temperature', value },
    });
  }
  return temperature;
}

async function evalAnswers(io: CliIo, flags: EvalAnswersFlags): Promise<void> {
  const source = sourceFromFlags(flags);
  const prompts = parsePrompts(flags.prompt ?? defaultAnswerPrompt);
  const maxTokens = parsePositiveInteger(flags.maxTokens, '--max-tokens');
  const temperature = parseTemperature(flags.temperature);
  const config = configFromFlags(flags);
  const set = await loadAnswerSet(source);
  const cache =
    flags.answerCache === false
      ? undefined
      : await AnswerCache.open(
          flags.answerCache ? resolve(flags.answerCache) : defaultAnswerCachePath(io.environment ?? process.env),
        );
  await using rag = await createRagForCli(io, config, flags, { cacheEmbeddings: true });
  const bar = progressBar(io, 'answering'.padEnd(16), { enabled: !flags.json && !flags.verbose });
  const report = await evaluateAnswers(rag, {
    set,
    prompts,
    model: `${rag.config.generationEngine ?? rag.config.engine}:${rag.config.generationModel ?? 'default'}`,
    maxTokens,
    temperature,
    cache,
    embeddingCache: flags.embeddingCache ? resolve(flags.embeddingCache) : undefined,
    chartsFolder: flags.charts ? resolve(flags.charts) : undefined,
    onNotice: (message) => {
      if (!flags.json) writeLine(io.stderr, message);
    },
    onProgress: (done, total) => bar.update(done, total),
    onAnswered: (row) => {
      if (flags.verbose) {
        const verdict = row.refusedBy ? `refused by ${row.refusedBy}` : row.containsGold ? 'contains gold' : 'wrong';
        writeLine(io.stderr, `[${row.prompt}] ${row.question} → ${JSON.stringify(row.answer)} (${verdict})`);
      }
    },
  }).finally(() => bar.stop());
  if (flags.json) {
    writeJson(io, report);
    return;
  }
  writeLine(io.stdout, formatAnswersReport(report));
  for (const chart of report.charts ?? []) writeLine(io.stderr, `Wrote ${chart}`);
}
