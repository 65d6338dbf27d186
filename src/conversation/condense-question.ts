import type { LanguageModel } from '../spec/language-model.js';
import { condenseMessages } from './condense-prompt.js';
import { type ConversationTurn, recentTurns } from './conversation-history.js';
import { rewriteProblem } from './rewrite-check.js';

export type CondenseMethod = 'language-model' | 'previous-question';

/** A follow-up made into a question that stands on its own: what retrieval searches and the refusal gate judges. */
export interface CondensedQuestion {
  /** The follow-up as it was asked. */
  question: string;
  /** The standalone question retrieval uses. */
  standalone: string;
  /**
   * `language-model`: rewritten by the language model; `previous-question`: the previous
   * question and the follow-up together (no language model, or its rewrite was unusable).
   */
  method: CondenseMethod;
  /** Earlier turns the step read (the last few of the thread). */
  turns: number;
  /** Why the language model's rewrite was not used, when it was not. */
  fallback?: string | undefined;
  /** The language model's output that was not used (for --explain and evaluation). */
  rejected?: string | undefined;
}

export interface CondenseOptions {
  question: string;
  /** Earlier turns, oldest first; validated by `conversationHistorySchema` at the boundary. */
  history: readonly ConversationTurn[];
  /** Gives the language model; absent = combine with the previous question instead. */
  languageModel?: (() => Promise<LanguageModel>) | undefined;
  abortSignal?: AbortSignal | undefined;
}

/** A rewrite is one question: a few short sentences at most. Longer means the model wandered. */
const maxRewriteTokens = 128;

/**
 * Turns a follow-up ("and for interns?") into a standalone question ("How many days of annual
 * leave do interns get?") before retrieval, so the search and the refusal gate see what the
 * user means. With no history there is nothing to resolve: null, and the question is used as
 * asked.
 */
export async function condenseQuestion(options: CondenseOptions): Promise<CondensedQuestion | null> {
  const turns = recentTurns(options.history);
  const previous = turns.at(-1);
  if (!previous) return null;
  const question = options.question.trim();
  const combined = { question, standalone: `${previous.question} ${question}`, turns: turns.length } as const;
  if (!options.languageModel) return { ...combined, method: 'previous-question' };
  const model = await options.languageModel();
  let output = '';
  for await (const text of model.generate({
    messages: condenseMessages(question, turns),
    maxTokens: maxRewriteTokens,
    temperature: 0,
    abortSignal: options.abortSignal,
  })) {
    output += text;
  }
  const rewrite = standaloneFrom(output, [question, ...turns.map((turn) => turn.question)]);
  return 'fallback' in rewrite
    ? { ...combined, method: 'previous-question', fallback: rewrite.fallback, rejected: output.trim() }
    : { question, standalone: rewrite.standalone, method: 'language-model', turns: turns.length };
}

/** Labels a model may put before its rewrite, in the languages of the condense prompt. */
const leadingLabel =
  /^(?:(?:standalone|rewritten|follow-up)\s+question|question|后续问题|改写后的问题|独立问题|问题|フォローアップの質問|書き換えた質問|質問|후속 질문|질문)\s*[:：]\s*/iu;
const wrappingQuotes = /^["'“‘「『](.*)["'”’」』]$/su;

/**
 * The model's output is untrusted too: keep its first line, without a label or quotes, and use
 * it only when it looks like one question of about the inputs' size that keeps the follow-up's
 * subject and resolves it from the conversation (rewrite-check.ts). `inputs` is the follow-up,
 * then the earlier questions.
 */
export function standaloneFrom(
  output: string,
  inputs: readonly string[],
): { standalone: string } | { fallback: string } {
  const firstLine = output.trim().split(/[\r\n]+/, 1)[0] ?? '';
  const [followUp = '', ...earlier] = inputs;
  const unlabelled = firstLine.trim().replace(leadingLabel, '').trim();
  const standalone = (wrappingQuotes.exec(unlabelled)?.[1] ?? unlabelled).trim();
  if (standalone === '') return { fallback: 'the language model returned no question' };
  const longest = Math.max(...inputs.map((input) => [...input].length));
  const limit = Math.max(400, 3 * longest);
  if ([...standalone].length > limit) {
    return { fallback: `the rewrite was longer than ${limit} characters` };
  }
  if (/\[\[(?:BEGIN|END) DATA /.test(standalone)) return { fallback: 'the rewrite repeated the prompt' };
  const problem = rewriteProblem(standalone, followUp, earlier);
  if (problem) return { fallback: problem };
  return { standalone };
}
