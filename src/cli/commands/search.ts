import { type Command, Option } from 'commander';
import { chooseKnowledgeSource } from '../../app/knowledge-source.js';
import { maxTopK } from '../../app/options.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeJson, writeLine } from '../cli-io.js';
import {
  addEngineOptions,
  addRerankOptions,
  configFromFlags,
  createRagForCli,
  type EngineFlags,
} from '../engine-options.js';
import { addKnowledgeBaseOptions, openKnowledge } from '../knowledge-base-option.js';
import { parseFraction, parsePositiveInteger } from '../parse-flags.js';
import { addFilterOptions, type FilterFlags, filterRequestFromFlags } from '../route-flags.js';

interface SearchFlags extends EngineFlags, FilterFlags {
  kb?: string;
  db?: string;
  topK: string;
  mode: 'flat' | 'hybrid';
  relativeCutoff?: string;
}

export function registerSearch(program: Command, io: CliIo, run: CommandRunner) {
  const command = program
    .command('search')
    .description('rank the knowledge base documents by similarity to a query (no thresholds, no answer)')
    .argument('<query>', 'what to look for');
  addKnowledgeBaseOptions(command);
  command
    .option('--top-k <k>', 'how many results', '5')
    .addOption(
      new Option('--mode <mode>', 'hybrid: vector and BM25 keyword ranks fused; flat: vector only')
        .choices(['hybrid', 'flat'])
        .default('hybrid'),
    )
    .option('--relative-cutoff <x>', 'drop results scoring below this fraction of the best one');
  addFilterOptions(command);
  addRerankOptions(command);
  addEngineOptions(command);
  command.action((query: string, flags: SearchFlags) => run(() => search(io, query, flags), flags.json ?? false));
}

async function search(io: CliIo, query: string, flags: SearchFlags): Promise<void> {
  const topK = parsePositiveInteger(flags.topK, '--top-k');
  if (topK > maxTopK) {
    throw new GemmaRagError(errorCodes.invalidArgument, `--top-k must be at most ${maxTopK}; got ${topK}.`, {
      data: { flag: '--top-k', value: flags.topK },
    });
  }
  const relativeCutoff =
    flags.relativeCutoff === undefined ? undefined : parseFraction(flags.relativeCutoff, '--relative-cutoff');
  if (query.trim() === '') throw new GemmaRagError(errorCodes.invalidArgument, 'The query is empty.');
  const config = configFromFlags(flags);
  const source = await chooseKnowledgeSource(io.environment, flags);
  await using rag = await createRagForCli(io, config, flags);
  await using index = await openKnowledge(io, rag, source, flags);
  const results = await rag.search(index, query, {
    topK,
    mode: flags.mode,
    ...(relativeCutoff === undefined ? {} : { relativeCutoff }),
    ...filterRequestFromFlags(flags),
  });
  if (flags.json) {
    writeJson(io, {
      engine: rag.embedder.model.label,
      mode: flags.mode,
      results: results.map(({ title, category, score, keywordScore, rerankScore }) => ({
        title,
        category,
        score,
        keywordScore,
        rerankScore,
      })),
    });
    return;
  }
  for (const [rank, result] of results.entries()) {
    const reranked = result.rerankScore === undefined ? '' : `  rerank ${result.rerankScore.toFixed(3)}`;
    writeLine(io.stdout, `${rank + 1}. ${result.score.toFixed(3)}  ${result.title}  (${result.category})${reranked}`);
  }
}
