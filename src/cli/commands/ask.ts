import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { chooseKnowledgeSource } from '../../app/knowledge-source.js';
import { conversationLimits } from '../../app/options.js';
import type { AskResult, ConversationTurn, KnowledgeIndex, Rag } from '../../app/rag.js';
import { describeSource, explainStages } from '../../presentation/ask-explanation.js';
import { askJson } from '../../presentation/ask-json.js';
import { describeDefaultThresholds } from '../../presentation/threshold-defaults.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type CliIo, type CommandRunner, writeJson, writeJsonLine, writeLine, writeText } from '../cli-io.js';
import {
  addEngineOptions,
  addGenerationOptions,
  addRerankOptions,
  addSupportGateOption,
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
    .option(
      '--threshold <x>',
      `cosine similarity a document must reach, for every stage (default with EmbeddingGemma, unless calibrated: ${describeDefaultThresholds()})`,
    )
    .option('--category-threshold <x>', 'two-stage: the category (stage 1) threshold (overrides --threshold)')
    .option('--document-threshold <x>', 'the document threshold (overrides --threshold)')
    .option('--no-generate', 'answer with the matching document itself; needs no language model')
    .option('--max-tokens <n>', 'longest generated answer in tokens', '256')
    .option('--explain', 'show every stage score')
    .option(
      '--chat',
      'a conversation: one question per line from the terminal (or stdin); follow-ups are rewritten into standalone questions; /new starts over, /exit ends',
    );
  addGenerationOptions(command);
  addRerankOptions(command);
  addSupportGateOption(command);
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
  /**
   * `--chat` reading questions from a pipe: the questions are not on the screen, so each
   * answer is printed under its question ("Q: …" / "A: …").
   */
  labelled?: boolean;
}

/** One question through the ask flow (condense, retrieve, answer), printed as it goes. */
async function answerTurn(
  { io, rag, index, flags, maxTokens, labelled }: TurnContext,
  question: string,
  history: readonly ConversationTurn[],
): Promise<AskResult> {
  const streaming = !flags.json;
  if (streaming && labelled) io.stdout.write(`Q: ${question}\nA: `);
  const result = await rag.ask(index, question, {
    ...routeRequestFromFlags(flags),
    ...filterRequestFromFlags(flags),
    history,
    generate: flags.generate,
    maxTokens,
    ...(streaming
      ? {
          onRetrieval: ({ retrieval, condensed }) => {
            if (flags.explain) for (const line of explainStages(rag, retrieval, condensed)) writeLine(io.stderr, line);
            else if (condensed) writeLine(io.stderr, `(searching for: ${condensed.standalone})`);
          },
          onText: (text: string) => writeText(io.stdout, text),
          // What was streamed is no answer: say so, and let the second answer start on its own line.
          onRetract: () => {
            writeLine(io.stdout);
            writeLine(
              io.stderr,
              '(that answer came only from a sentence that does not answer the question; asking again without it)',
            );
          },
        }
      : {}),
  });
  if (flags.json && flags.chat) writeJsonLine(io.stdout, askJson(rag, result));
  else if (flags.json) writeJson(io, askJson(rag, result));
  else {
    writeLine(io.stdout);
    // The withdrawn answer was already streamed: what stands is our not-found reply.
    if (result.refusedBy === 'grounding') writeLine(io.stdout, result.answer);
    for (const line of describeSource(result, { explain: flags.explain })) writeLine(io.stderr, line);
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
  const labelledTurn = { ...turn, labelled: !interactive && !flags.json };
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
    const result = await answerTurn(labelledTurn, question, history);
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
