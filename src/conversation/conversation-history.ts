import { z } from 'zod';

/**
 * How much conversation gemma-rag accepts and uses. A client sends the turns it has; more than
 * `maxTurns` is refused rather than silently cut, and only the last `condenseTurns` (answers
 * cut to `answerCharacters`) reach the condense prompt, so its length stays bounded whatever
 * the thread's length.
 */
export const conversationLimits = {
  /** Most turns one request may carry. */
  maxTurns: 20,
  /** Most characters of one question (the same bound as a question on its own). */
  questionCharacters: 8000,
  /** Most characters of one answer as sent back by a client. */
  answerCharacters: 16_000,
  /** Turns, most recent last, that the condense step reads. */
  condenseTurns: 4,
  /** Characters of each answer that the condense step reads: enough to resolve a reference. */
  condenseAnswerCharacters: 800,
} as const;

/** One earlier exchange: what the user asked and, optionally, what was answered. */
export const conversationTurnSchema = z
  .object({
    question: z.string().trim().min(1, 'a turn needs its question').max(conversationLimits.questionCharacters),
    answer: z.string().max(conversationLimits.answerCharacters).optional(),
  })
  .strict();

/** Earlier turns, oldest first. Untrusted: the text is data for the condense prompt, never instructions. */
export const conversationHistorySchema = z
  .array(conversationTurnSchema)
  .max(conversationLimits.maxTurns, `at most ${conversationLimits.maxTurns} earlier turns`);

export type ConversationTurn = z.input<typeof conversationTurnSchema>;

/** The turns the condense step reads: the last few, answers cut short. */
export function recentTurns(history: readonly ConversationTurn[]): ConversationTurn[] {
  return history.slice(-conversationLimits.condenseTurns).map(({ question, answer }) => ({
    question: question.trim(),
    ...(answer === undefined ? {} : { answer: cut(answer.trim(), conversationLimits.condenseAnswerCharacters) }),
  }));
}

function cut(text: string, characters: number): string {
  const codePoints = [...text];
  return codePoints.length <= characters ? text : `${codePoints.slice(0, characters).join('')}…`;
}
