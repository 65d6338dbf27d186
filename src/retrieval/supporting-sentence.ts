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
 * The sentence, among those the model will read (as it reads them: quoted-text.ts), whose
 * vector is closest to the question's. `query` is the question's Retrieval-query vector, which
 * retrieval already has; sentences take the document prompt without a title (`title: none`),
 * since the gate asks whether one sentence, alone, says what was asked. Null when the context has no text.
 */
export async function findSupport(
  embedder: Embedder,
  query: Float32Array,
  context: readonly ContextChunk[],
  abortSignal?: AbortSignal,
): Promise<SupportingSentence | null> {
  const sentences = context
    .flatMap((chunk) => sentencesOf(quotedForModel(chunk.text)).map((sentence) => ({ title: chunk.title, sentence })))
    .slice(0, maxSupportSentences);
  if (sentences.length === 0) return null;
  const vectors = await embedder.embedMany(
    sentences.map(({ sentence }) => sentence),
    { prompt: documentPrompt(undefined), abortSignal },
  );
  let best: SupportingSentence | null = null;
  sentences.forEach((candidate, index) => {
    const vector = vectors[index];
    if (!vector) return;
    const score = cosineSimilarity(query, vector);
    if (!best || score > best.score) best = { ...candidate, score };
  });
  return best;
}

/**
 * The support gate on a chosen document's context: supported when its best sentence reaches
 * `threshold` (refusal-gate.ts `isSupported`). A null threshold is the gate off: nothing is
 * embedded and `support` is absent. Live retrieval and the injection bench both ask it.
 */
export async function judgeSupport(
  embedder: Embedder,
  query: Float32Array,
  context: readonly ContextChunk[],
  threshold: number | null,
  abortSignal?: AbortSignal,
): Promise<{ supported: boolean; support?: SupportingSentence | null }> {
  if (threshold === null) return { supported: true };
  const support = await findSupport(embedder, query, context, abortSignal);
  return { supported: support !== null && isSupported(support.score, threshold), support };
}
