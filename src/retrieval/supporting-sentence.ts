import type { Embedder } from '../embedding/embedder.js';
import { documentPrompt } from '../embedding/prompts.js';
import { cosineSimilarity } from '../embedding/vector-math.js';
import { quotedForModel } from '../text/quoted-text.js';
import { sentencesOf } from '../text/sentences.js';
import { isSupported } from './refusal-gate.js';
import type { ContextChunk, SupportingSentence } from './retrieval-result.js';

/**
 * Sentences embedded per question, at most: a context of three long chunks stays a fraction of
 * a second on a laptop. Past it, the first ones in reading order are kept.
 */
export const maxSupportSentences = 64;

/**
 * The sentences the model will read (as it reads them: quoted-text.ts), in reading order, each
 * with its vector's cosine to the question's. `query` is the question's Retrieval-query vector,
 * which retrieval already has; sentences take the document prompt without a title (`title:
 * none`), since the gate asks whether one sentence, alone, says what was asked.
 */
export async function scoreSentences(
  embedder: Embedder,
  query: Float32Array,
  context: readonly ContextChunk[],
  abortSignal?: AbortSignal,
): Promise<SupportingSentence[]> {
  const sentences = context
    .flatMap((chunk) => sentencesOf(quotedForModel(chunk.text)).map((sentence) => ({ title: chunk.title, sentence })))
    .slice(0, maxSupportSentences);
  if (sentences.length === 0) return [];
  const vectors = await embedder.embedMany(
    sentences.map(({ sentence }) => sentence),
    { prompt: documentPrompt(undefined), abortSignal },
  );
  return sentences.flatMap((candidate, index) => {
    const vector = vectors[index];
    return vector ? [{ ...candidate, score: cosineSimilarity(query, vector) }] : [];
  });
}

/** The sentence closest to the question; null when there is none. */
export function closestSentence(sentences: readonly SupportingSentence[]): SupportingSentence | null {
  let best: SupportingSentence | null = null;
  for (const sentence of sentences) if (!best || sentence.score > best.score) best = sentence;
  return best;
}

/**
 * The support gate on a chosen document's context: supported when its best sentence reaches
 * `threshold` (refusal-gate.ts `isSupported`). A null threshold is the gate off: nothing is
 * embedded and `support` is absent. `sentences` are every scored sentence, for the answer's
 * source check. Live retrieval and the injection bench both ask it.
 */
export async function judgeSupport(
  embedder: Embedder,
  query: Float32Array,
  context: readonly ContextChunk[],
  threshold: number | null,
  abortSignal?: AbortSignal,
): Promise<{ supported: boolean; support?: SupportingSentence | null; sentences?: SupportingSentence[] }> {
  if (threshold === null) return { supported: true };
  const sentences = await scoreSentences(embedder, query, context, abortSignal);
  const support = closestSentence(sentences);
  return { supported: support !== null && isSupported(support.score, threshold), support, sentences };
}
