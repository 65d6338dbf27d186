import type { Embedder } from '../embedding/embedder.js';
import { documentPrompt, namedPrompt, type PromptChoice, resolvePromptPrefix } from '../embedding/prompts.js';
import { cosineSimilarity } from '../embedding/vector-math.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { modelCardReference } from './model-card-reference.js';

/** One text to embed with both engines, with the prompt it gets. */
export interface ComparisonText {
  text: string;
  prompt: PromptChoice;
}

export interface TextComparison {
  text: string;
  /** The prompt prefix both engines saw, e.g. `task: search result | query: `. */
  promptPrefix: string;
  cosine: number;
}

export interface EngineComparison {
  /** `label modelId` of each side. */
  left: string;
  right: string;
  dimensions: number;
  threshold: number;
  texts: TextComparison[];
  minCosine: number;
  /** Every text's cosine is at least `threshold`. */
  passed: boolean;
}

/**
 * Two engines running the same weights should give the same vectors up to rounding:
 * 0.999 leaves room for different kernels and summation orders, while a missing prompt,
 * missing Dense layers, the wrong pooling or different weights fall far below it.
 */
export const defaultAgreementThreshold = 0.999;

/** The model card's example plus short multilingual and code texts, with query and document prompts. */
export const defaultComparisonTexts: readonly ComparisonText[] = [
  { text: modelCardReference.query, prompt: namedPrompt('query') },
  ...modelCardReference.documents.map((text) => ({ text, prompt: documentPrompt(undefined) })),
  { text: '東京で一番高い建物は何ですか？', prompt: namedPrompt('query') },
  { text: 'Le chat dort sur le canapé depuis ce matin.', prompt: documentPrompt('Chats') },
  { text: 'function add(a, b) { return a + b; }', prompt: namedPrompt('Classification') },
];

/**
 * Embeds the same texts, with the same prompts, through two embedders (same profile and
 * size, different engines) and reports each text's cosine between the two results. For
 * `gemma-rag doctor`: does this engine compute what that one does?
 */
export async function compareEmbedders(
  left: Embedder,
  right: Embedder,
  options: {
    texts?: readonly ComparisonText[] | undefined;
    threshold?: number | undefined;
    abortSignal?: AbortSignal | undefined;
  } = {},
): Promise<EngineComparison> {
  if (left.profile.id !== right.profile.id) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `Cannot compare ${left.profile.displayName} with ${right.profile.displayName}: compare engines running the same model.`,
      { data: { left: left.profile.id, right: right.profile.id } },
    );
  }
  if (left.dimensions !== right.dimensions) {
    throw new GemmaRagError(
      errorCodes.invalidDimensions,
      `Cannot compare ${left.dimensions}-dimensional with ${right.dimensions}-dimensional vectors; use the same --dimensions.`,
      { data: { left: left.dimensions, right: right.dimensions } },
    );
  }
  const texts = options.texts ?? defaultComparisonTexts;
  const threshold = options.threshold ?? defaultAgreementThreshold;
  const inputs = texts.map(({ text, prompt }) => ({ text, prompt }));
  // Sequential, not parallel: two local engines competing for the same cores helps neither.
  const leftVectors = await left.embedMany(inputs, { prompt: namedPrompt('query'), abortSignal: options.abortSignal });
  const rightVectors = await right.embedMany(inputs, {
    prompt: namedPrompt('query'),
    abortSignal: options.abortSignal,
  });
  const comparisons = texts.map(({ text, prompt }, index) => ({
    text,
    promptPrefix: resolvePromptPrefix(left.profile, prompt),
    cosine: cosineSimilarity(leftVectors[index] as Float32Array, rightVectors[index] as Float32Array),
  }));
  const minCosine = Math.min(...comparisons.map((comparison) => comparison.cosine));
  return {
    left: `${left.model.label} ${left.model.modelId}`,
    right: `${right.model.label} ${right.model.modelId}`,
    dimensions: left.dimensions,
    threshold,
    texts: comparisons,
    minCosine,
    passed: comparisons.every((comparison) => comparison.cosine >= threshold),
  };
}
