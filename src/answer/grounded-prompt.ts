import type { ContextChunk } from '../retrieval/retrieval-result.js';
import type { ChatMessage } from '../spec/language-model.js';
import { dontKnowPhrase } from './localized-replies.js';

/**
 * The seed's grounded prompt: answer only from the context, otherwise say "I don't know",
 * in the question's language. The rules go in a system message; engines whose models
 * have no system role (Gemma 3) fold it into the user turn.
 */
export function groundedMessages(question: string, context: readonly ContextChunk[]): ChatMessage[] {
  const contextText = context.map((chunk) => `Title: ${chunk.title}\n${chunk.text}`).join('\n\n---\n\n');
  const dontKnow = dontKnowPhrase(question);
  return [
    {
      role: 'system',
      content: [
        'Answer the QUESTION using only the CONTEXT below.',
        `If the CONTEXT does not contain the answer, reply exactly "${dontKnow}" and nothing else.`,
        'Do not use outside knowledge. Answer in the same language as the QUESTION, briefly.',
      ].join('\n'),
    },
    { role: 'user', content: `---\nCONTEXT:\n${contextText}\n---\nQUESTION: ${question}` },
  ];
}
