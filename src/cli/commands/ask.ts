import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { chooseKnowledgeSource } from '../../app/knowledge-source.js';
import { conversationLimits } from '../../app/options.js';
import type {
  AskResult,
  CondensedQuestion,
  ConversationTurn,
  KnowledgeIndex,
  Rag,
  RetrievalResult,
} from '../../app/rag.js';
import { askJson } from '../../presentation/ask-json.js';
import { citationLabel } from '../../presentation/cite-location.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeJson, writeJsonLine, writeLine, writeText } from '../cli-io.js';
import {
  addEngineOptions,
  addGenerationOptions,
  addRerankOptions,
  configFromFlags,
  createRagForCli,
  type EngineFlags,
  parseThreshold,
} from '../engine-options.js';
import { addKnowledgeBaseOptions, openKnowledge } from '../knowledge-base-option.js';
import {
  addFilterOptions,
  addRouteOptions,
  type FilterFlags,
  filterRequestFromFlags,
  type RouteFlags,
  routeRequestFromFlags,
} from '../route-flags.js';

interface AskFlags extends EngineFlags, RouteFlags, FilterFlags {
  kb?: string;
  db?: string;
  threshold?: string;
  categoryThreshold?: string;
  documentThreshold?: string;
  generate: boolean;
  explain?: boolean;
  maxTokens?: string;
  chat?: boolean;
}

export function registerAsk(program: Command, io: CliIo, run: CommandRunner) {
  const command = program
    .command('ask')
    .description('answer a question from the knowledge base (refuses when nothing relevant is found)')
    .argument('[question]', 'the question, in any language (with --chat: the first one)');
  addKnowledgeBaseOptions(command);
  addFilterOptions(addRouteOptions(command))
    .option('--threshold <x>', 'similarity threshold for both stages (default 0.4 with EmbeddingGemma)')
    .option('--category-threshold <x>', 'stage 1 threshold (overrides --threshold)')
    .option('--document-threshold <x>', 'stage 2 threshold (overrides --threshold)')
    .option('--no-generate', 'answer with the matching document itself; needs no language model')
    .option('--max-tokens <n>', 'longest generated answer in tokens', '256')
    .option('--explain', 'show every stage score')
    .option(
      '--chat',
      'a conversation: one question per line from the terminal (or stdin); follow-ups are rewritten into standalone questions; /new starts over, /exit ends',
    );
  addGenerationOptions(command);
  addRerankOptions(command);
  addEngineOptions(command);
  command.action((question: string | undefined, flags: AskFlags) =>
    run(() => ask(io, question, flags), flags.json ?? false),
  );
}

async function ask(io: CliIo, question: string | undefined, flags: AskFlags): Promise<void> {
  if (!flags.chat && question === undefined) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      'Missing the question: gemma-rag ask "如何重置密码？", or ask --chat for a conversation.',
    );
  }
  if (!flags.chat && question?.trim() === '') {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      'The question is empty: ask something, e.g. gemma-rag ask "如何重置密码？"',
    );
  }
  const both = parseThreshold(flags.threshold, '--threshold');
  const config = {
    ...configFromFlags(flags),
    categoryThreshold: parseThreshold(flags.categoryThreshold, '--category-threshold') ?? both,
    documentThreshold: parseThreshold(flags.documentThreshold, '--document-threshold') ?? both,
  };
  const maxTokens = Number(flags.maxTokens);
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `--max-tokens must be a positive whole number; got "${flags.maxTokens}".`,
    );
  }
  const source = await chooseKnowledgeSource(io.environment, flags);
  await using rag = await createRagForCli(io, config, flags);
  if (!flags.json && rag.embedder.model.engine === 'lexical') {
    writeLine(io.stderr, 'Note: engine lexical matches shared words only; it is not EmbeddingGemma.');
  }
  await using index = await openKnowledge(io, rag, source, flags);
  const turn = { io, rag, index, flags, maxTokens };
  if (flags.chat) await chat(turn, question);
  else if (question !== undefined) await answerTurn(turn, question, []);
}

interface TurnContext {
  io: CliIo;
  rag: Rag;
  index: KnowledgeIndex;
  flags: AskFlags;
  maxTokens: number;
}

/** One question through the ask flow (condense, retrieve, answer), printed as it goes. */
async function answerTurn(
  { io, rag, index, flags, maxTokens }: TurnContext,
  question: string,
  history: readonly ConversationTurn[],
): Promise<AskResult> {
  const streaming = !flags.json;
  const result = await rag.ask(index, question, {
    ...routeRequestFromFlags(flags),
    ...filterRequestFromFlags(flags),
    history,
    generate: flags.generate,
    maxTokens,
    ...(streaming
      ? {
          onRetrieval: ({ retrieval, condensed }) => {
            if (flags.explain) printStages(io, rag, retrieval, condensed);
            else if (condensed) writeLine(io.stderr, `(searching for: ${condensed.standalone})`);
          },
          onText: (text: string) => writeText(io.stdout, text),
        }
      : {}),
  });
  if (flags.json && flags.chat) writeJsonLine(io.stdout, askJson(rag, result));
  else if (flags.json) writeJson(io, askJson(rag, result));
  else {
    writeLine(io.stdout);
    printSource(io, result);
  }
  return result;
}

/**
 * `ask --chat`: a thread of questions, one per line, each answered with the earlier ones as
 * history (the last 20 kept). With --json, one JSON object per line per answer.
 */
async function chat(turn: TurnContext, first: string | undefined): Promise<void> {
  const { io, flags } = turn;
  const interactive = Boolean(io.stdin.isTTY) && !flags.json;
  const lines = createInterface({
    input: io.stdin,
    ...(interactive ? { output: io.stderr, prompt: '› ' } : {}),
    terminal: interactive,
  });
  if (interactive) {
    writeLine(io.stderr, 'Ask a question; follow-ups refer to earlier answers. /new starts a new thread, /exit ends.');
  }
  let history: ConversationTurn[] = [];
  const askNext = async (question: string) => {
    const result = await answerTurn(turn, question, history);
    history = [...history, { question, answer: result.answer }].slice(-conversationLimits.maxTurns);
    if (!flags.json) writeLine(io.stderr);
  };
  try {
    if (first?.trim()) await askNext(first.trim());
    if (interactive) lines.prompt();
    for await (const line of lines) {
      const question = line.trim();
      if (question === '/exit' || question === '/quit') break;
      if (question === '/new') {
        history = [];
        if (!flags.json) writeLine(io.stderr, '(new thread)');
      } else if (question !== '') await askNext(question);
      if (interactive) lines.prompt();
    }
  } finally {
    lines.close();
  }
}

function printStages(io: CliIo, rag: Rag, retrieval: RetrievalResult, condensed: CondensedQuestion | null): void {
  const format = (score: number) => score.toFixed(3);
  writeLine(
    io.stderr,
    `engine: ${rag.embedder.model.label}, model: ${rag.embedder.model.modelId}, dimensions: ${rag.embedder.dimensions}`,
  );
  writeLine(io.stderr, `route: ${describeRoute(retrieval)}`);
  if (condensed) {
    const how =
      condensed.method === 'language-model'
        ? `rewritten by the language model from ${condensed.turns} earlier turn(s)`
        : `joined to the previous question${condensed.fallback ? ` (${condensed.fallback})` : ' (no language model)'}`;
    writeLine(io.stderr, `Follow-up, ${how}:`);
    writeLine(io.stderr, `  ${condensed.standalone}`);
  }
  if (retrieval.stages === 'two-stage') {
    writeLine(io.stderr, `Stage 1 — categories (threshold ${retrieval.thresholds.category}):`);
    for (const category of retrieval.scores.categories)
      writeLine(io.stderr, `  ${format(category.score)}  ${category.name}`);
  }
  writeLine(
    io.stderr,
    `Stage ${retrieval.stages === 'two-stage' ? 2 : 1} — documents (threshold ${retrieval.thresholds.document}):`,
  );
  for (const document of retrieval.scores.documents)
    writeLine(io.stderr, `  ${format(document.score)}  ${document.title}`);
  if (retrieval.rerank) {
    const { model, candidates, threshold } = retrieval.rerank;
    writeLine(
      io.stderr,
      `Reranker ${model} — read ${candidates} passage(s) that passed the embedding gate (floor ${threshold}):`,
    );
    for (const document of retrieval.scores.documents.filter((entry) => entry.rerankScore !== undefined))
      writeLine(
        io.stderr,
        `  ${format(document.rerankScore ?? 0)}  ${document.title} (cosine ${format(document.score)})`,
      );
  }
  writeLine(io.stderr);
}

function describeRoute(retrieval: RetrievalResult): string {
  const fused = retrieval.hybrid ? ', vector and keyword (BM25) ranks fused' : '';
  const searched =
    retrieval.searchedCategories.length > 1
      ? `; searched ${retrieval.searchedCategories.length} near-tied categories`
      : '';
  return retrieval.stages === 'two-stage'
    ? `${retrieval.route} — best category, then its best document${fused}${searched}; each gated on cosine`
    : `${retrieval.route} — every document${fused}; the first that reaches the threshold (cosine) answers`;
}

function printSource(io: CliIo, result: AskResult): void {
  const { retrieval } = result;
  if (retrieval.document && result.refusedBy === 'model') {
    writeLine(
      io.stderr,
      `The language model found no answer in "${retrieval.document.title}" (score ${retrieval.document.score.toFixed(3)}), the closest document; nothing is cited.`,
    );
    return;
  }
  if (retrieval.document) {
    writeLine(
      io.stderr,
      `Source: "${retrieval.document.title}" in ${retrieval.document.category} (score ${retrieval.document.score.toFixed(3)})`,
    );
    for (const [index, chunk] of retrieval.context.entries()) {
      const reranked = chunk.rerankScore === undefined ? '' : `, rerank ${chunk.rerankScore.toFixed(3)}`;
      writeLine(io.stderr, `  [${index + 1}] ${citationLabel(chunk)} (score ${chunk.score.toFixed(3)}${reranked})`);
    }
    return;
  }
  if (retrieval.refusal === 'rerank-below-threshold' && retrieval.rerank) {
    const best = retrieval.scores.documents.find((document) => document.rerankScore !== undefined)?.rerankScore;
    writeLine(
      io.stderr,
      `No passage reached the reranker's floor ${retrieval.rerank.threshold}${best === undefined ? '' : ` (best: ${best.toFixed(3)})`}; the language model was not called.`,
    );
    return;
  }
  const best =
    retrieval.refusal === 'category-below-threshold' ? retrieval.scores.categories[0] : retrieval.scores.documents[0];
  const stage = retrieval.refusal === 'category-below-threshold' ? 'category' : 'document';
  const threshold = stage === 'category' ? retrieval.thresholds.category : retrieval.thresholds.document;
  writeLine(
    io.stderr,
    `No ${stage} reached the threshold ${threshold}${best ? ` (best: ${best.score.toFixed(3)})` : ''}; the language model was not called.`,
  );
}
