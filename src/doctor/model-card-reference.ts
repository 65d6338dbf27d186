import type { Embedder } from '../embedding/embedder.js';
import { documentPrompt } from '../embedding/prompts.js';
import { cosineSimilarity } from '../embedding/vector-math.js';

/**
 * The example on the google/embeddinggemma-300m model card: `encode_query` (the `query`
 * prompt) against `encode_document` (the `document` prompt, `title: none | text: `), with
 * the similarities printed there for the reference (fp32, 768-dimensional) model.
 */
export const modelCardReference = {
  query: 'Which planet is known as the Red Planet?',
  documents: [
    "Venus is often called Earth's twin because of its similar size and proximity.",
    'Mars, known for its reddish appearance, is often referred to as the Red Planet.',
    'Jupiter, the largest planet in our solar system, has a prominent red spot.',
    'Saturn, famous for its rings, is sometimes mistaken for the Red Planet.',
  ],
  similarities: [0.3011, 0.6359, 0.493, 0.4889],
  /** Index of Mars, the right answer. */
  bestDocument: 1,
  profile: 'embeddinggemma',
  dimensions: 768,
} as const;

export type WeightPrecision = 'fp32' | 'bf16' | 'q8' | 'q4';

/**
 * How far each similarity may stray from the card's, by weight precision. Reasoned, not
 * measured (no weights here); refine with measurements.
 * - The card prints 4 decimals (±0.00005).
 * - fp32 on another engine only changes summation order and kernels (~1e-4 in cosine);
 *   bf16 weights (8-bit mantissa, ~0.4 % per weight) and Q8_0 (8-bit blocks of 32) add
 *   errors that mostly average out over 768-dimensional dot products. Google's QAT Q8_0
 *   checkpoint loses 0.22 MTEB points (61.15 → 60.93). ±0.01 covers these with margin.
 * - Q4 (QAT Q4_0, mixed int4/int8, or Q4_K_M conversions) changes the model measurably
 *   (QAT Q4_0: −0.53 MTEB points; non-QAT 4-bit conversions drift further): ±0.03.
 * Either way a broken pipeline — no prompt, missing Dense layers, last-token instead of
 * mean pooling, an unrelated model — moves these similarities by much more, and the check
 * also requires Mars to win, which every working precision does by a 0.14 margin.
 */
export const referenceTolerances: Readonly<Record<WeightPrecision, number>> = {
  fp32: 0.01,
  bf16: 0.01,
  q8: 0.01,
  q4: 0.03,
};

/**
 * The precision a quantization label names: GGUF types (`F32`, `BF16`, `Q8_0`, `Q4_K_M`),
 * ONNX dtypes (`fp32`, `q8`, `q4`, `int8`), Ollama's `quantization_level`. Undefined for
 * unknown labels and for fp16, which EmbeddingGemma must not use (activations overflow).
 */
export function precisionFromLabel(label: string | undefined): WeightPrecision | undefined {
  const normalized = label?.trim().toLowerCase() ?? '';
  if (/^(f32|fp32|float32)$/.test(normalized)) return 'fp32';
  if (/^(bf16|bfloat16)$/.test(normalized)) return 'bf16';
  if (/^(q8(_\d|_k)?|int8|uint8|quantized)$/.test(normalized)) return 'q8';
  if (/^(q4(_\w+)?|int4|uint4|bnb4)$/.test(normalized)) return 'q4';
  return undefined;
}

export type ReferenceCheck =
  | { applicable: false; reason: string }
  | {
      applicable: true;
      precision: WeightPrecision;
      tolerance: number;
      expected: readonly number[];
      similarities: number[];
      /** similarity − expected, per document. */
      deviations: number[];
      maxDeviation: number;
      /** Index of the document the model ranked first. */
      bestDocument: number;
      passed: boolean;
      /** What failed, in words; empty when passed. */
      problems: string[];
    };

/** Judges measured similarities (in the card's document order) against the card's. Pure. */
export function evaluateReference(similarities: readonly number[], precision: WeightPrecision): ReferenceCheck {
  const expected = modelCardReference.similarities;
  const tolerance = referenceTolerances[precision];
  const deviations = expected.map((value, index) => (similarities[index] ?? Number.NaN) - value);
  const maxDeviation = Math.max(...deviations.map(Math.abs));
  const bestDocument = similarities.indexOf(Math.max(...similarities));
  const problems: string[] = [];
  if (similarities.length !== expected.length || !similarities.every(Number.isFinite)) {
    problems.push(`expected ${expected.length} finite similarities, got [${similarities.join(', ')}]`);
  }
  deviations.forEach((deviation, index) => {
    if (!(Math.abs(deviation) <= tolerance)) {
      problems.push(
        `document ${index + 1}: ${similarities[index]?.toFixed(4)} instead of ${expected[index]?.toFixed(4)} (±${tolerance})`,
      );
    }
  });
  if (bestDocument !== modelCardReference.bestDocument) {
    problems.push(`document ${bestDocument + 1} ranked first instead of the Mars document`);
  }
  return {
    applicable: true,
    precision,
    tolerance,
    expected,
    similarities: [...similarities],
    deviations,
    maxDeviation,
    bestDocument,
    passed: problems.length === 0,
    problems,
  };
}

/**
 * Runs the model card's example through an embedder and compares with the card. Applies
 * only to EmbeddingGemma (300m) at its full 768 dimensions, the setting the card reports.
 */
export async function checkModelCardReference(
  embedder: Embedder,
  options: { precision: WeightPrecision; abortSignal?: AbortSignal | undefined },
): Promise<ReferenceCheck> {
  if (embedder.profile.id !== modelCardReference.profile) {
    return {
      applicable: false,
      reason: `the reference values are for EmbeddingGemma, not ${embedder.profile.displayName}`,
    };
  }
  if (embedder.dimensions !== modelCardReference.dimensions) {
    return {
      applicable: false,
      reason: `the reference values are for 768 dimensions; this embedder gives ${embedder.dimensions}`,
    };
  }
  const query = await embedder.embedQuery(modelCardReference.query, { abortSignal: options.abortSignal });
  const documents = await embedder.embedMany(modelCardReference.documents, {
    prompt: documentPrompt(undefined),
    abortSignal: options.abortSignal,
  });
  return evaluateReference(
    documents.map((document) => cosineSimilarity(query, document)),
    options.precision,
  );
}
