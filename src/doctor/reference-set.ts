import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Embedder } from '../embedding/embedder.js';
import { cosineSimilarity, truncateMatryoshka } from '../embedding/vector-math.js';

/**
 * How far an EmbeddingGemma (any engine, any quantization) is from the fp32 model, on a small
 * shipped reference set: finished inputs (task prompt included), short and long, with vectors
 * from sentence-transformers fp32 (scripts/real/make-reference-set.py made the file). Card
 * similarities alone miss post-training quantization damage on long inputs: Q4_0 passes the
 * card check yet falls to cosine 0.895 on ~1,500-token documents.
 */
export const referenceSetPath = fileURLToPath(
  new URL('../../data/embeddinggemma-300m-reference.json', import.meta.url),
);

/** Below this minimum cosine doctor warns: retrieval quality is measurably worse. */
export const referenceWarnBelow = 0.98;

const referenceSchema = z.object({
  model: z.string(),
  entries: z
    .array(z.object({ text: z.string(), tokens: z.number().int(), vector: z.array(z.number()).length(768) }))
    .min(1),
});

export interface ReferenceDistance {
  minCosine: number;
  /** The entry with the lowest cosine: its token count and the start of its text. */
  worst: { tokens: number; text: string };
  count: number;
}

export async function distanceFromReference(embedder: Embedder): Promise<ReferenceDistance> {
  const reference = referenceSchema.parse(JSON.parse(await readFile(referenceSetPath, 'utf8')));
  // Counted by this model's own tokenizer: another tokenizer may need more tokens for the same text.
  const counts = await embedder.countTokens(reference.entries.map((entry) => entry.text));
  const fitting = reference.entries.filter(
    (_, index) => (counts[index] ?? Number.POSITIVE_INFINITY) <= embedder.maxInputTokens,
  );
  const vectors = await embedder.embedMany(
    fitting.map((entry) => entry.text),
    { prompt: { kind: 'none' } },
  );
  let minCosine = Number.POSITIVE_INFINITY;
  let worst = fitting[0] as (typeof fitting)[number];
  vectors.forEach((vector, index) => {
    const entry = fitting[index] as (typeof fitting)[number];
    const expected = truncateMatryoshka(Float32Array.from(entry.vector), embedder.dimensions);
    const cosine = cosineSimilarity(vector, expected);
    if (cosine < minCosine) {
      minCosine = cosine;
      worst = entry;
    }
  });
  return { minCosine, worst: { tokens: worst.tokens, text: worst.text.slice(0, 40) }, count: fitting.length };
}
