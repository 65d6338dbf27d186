import type { AnswerPromptId } from '../answer/grounded-prompt.js';
import type { AnsweredQuestion } from './evaluate-answers.js';
import { mean, percentile } from './ranking-metrics.js';

/** One prompt's results over a question set; rates are in [0, 1], null when nothing was counted. */
export interface AnswerSummary {
  prompt: AnswerPromptId;
  answerable: number;
  unanswerable: number;
  /** Answerable questions whose answer contains a gold answer. */
  containsGold: number | null;
  /** Mean token F1 on answerable questions (characters for CJK). */
  f1: number | null;
  /** Answerable questions whose cited document is the gold one (retrieval alone). */
  citedGold: number | null;
  /** Answerable questions refused (gate or model): lost answers. */
  answerableRefused: number | null;
  /** Answerable questions whose answer held a gold answer and was withdrawn by a check: the checks' false withdrawals. */
  withdrawnWithGold: number;
  /** Unanswerable questions refused by the gate, by the model, by the grounding check, and by any. */
  refusedByGate: number | null;
  refusedByModel: number | null;
  refusedByGrounding: number | null;
  unanswerableRefused: number | null;
  /** Hallucination proxy: answered although the gold paragraph was not in the context, over all answered questions. */
  answeredWithoutGold: number | null;
  answeredWithoutGoldCount: number;
  answeredCount: number;
  /** Answers (with letters) written in the question's script. */
  languageMatches: number | null;
  /** Retrieval + first text, milliseconds. */
  firstTextP50Ms: number | null;
  firstTextP95Ms: number | null;
  /** Share of the first-text wait spent in retrieval (median of per-question shares). */
  retrievalShare: number | null;
  /** Generated tokens per second after the first (median). */
  tokensPerSecond: number | null;
  /** Mean prompt tokens. */
  promptTokens: number | null;
  /** Answers taken from the cache. */
  cached: number;
}

const rate = (count: number, of: number) => (of === 0 ? null : count / of);
const finite = (value: number) => (Number.isFinite(value) ? value : null);

export function summarizeAnswers(prompt: AnswerPromptId, rows: readonly AnsweredQuestion[]): AnswerSummary {
  const answerable = rows.filter((row) => row.answerable);
  const unanswerable = rows.filter((row) => !row.answerable);
  const answered = rows.filter((row) => row.refusedBy === null);
  const withoutGold = answered.filter((row) => !row.goldInContext);
  const languages = answered.filter((row) => row.languageMatches !== null);
  const firstText = rows.flatMap((row) => (row.firstTextMs === null ? [] : [row.firstTextMs]));
  const shares = rows.flatMap((row) =>
    row.firstTextMs === null || row.firstTextMs <= 0 ? [] : [row.retrievalMs / row.firstTextMs],
  );
  const speeds = rows.flatMap((row) => {
    const generation = row.generation;
    if (!generation?.completionTokens || generation.completionTokens < 2) return [];
    const seconds = (generation.generationMs - generation.firstTextMs) / 1000;
    return seconds > 0 ? [(generation.completionTokens - 1) / seconds] : [];
  });
  const promptTokens = rows.flatMap((row) =>
    row.generation?.promptTokens == null ? [] : [row.generation.promptTokens],
  );
  return {
    prompt,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    containsGold: rate(answerable.filter((row) => row.containsGold).length, answerable.length),
    f1: finite(mean(answerable.map((row) => row.f1))),
    citedGold: rate(answerable.filter((row) => row.citedGold).length, answerable.length),
    answerableRefused: rate(answerable.filter((row) => row.refusedBy !== null).length, answerable.length),
    withdrawnWithGold: answerable.filter((row) => row.withdrawnWithGold).length,
    refusedByGate: rate(unanswerable.filter((row) => row.refusedBy === 'gate').length, unanswerable.length),
    refusedByModel: rate(unanswerable.filter((row) => row.refusedBy === 'model').length, unanswerable.length),
    refusedByGrounding: rate(unanswerable.filter((row) => row.refusedBy === 'grounding').length, unanswerable.length),
    unanswerableRefused: rate(unanswerable.filter((row) => row.refusedBy !== null).length, unanswerable.length),
    answeredWithoutGold: rate(withoutGold.length, answered.length),
    answeredWithoutGoldCount: withoutGold.length,
    answeredCount: answered.length,
    languageMatches: rate(languages.filter((row) => row.languageMatches).length, languages.length),
    firstTextP50Ms: finite(percentile(firstText, 50)),
    firstTextP95Ms: finite(percentile(firstText, 95)),
    retrievalShare: finite(percentile(shares, 50)),
    tokensPerSecond: finite(percentile(speeds, 50)),
    promptTokens: finite(mean(promptTokens)),
    cached: rows.filter((row) => row.cached).length,
  };
}
