import type { EmbeddingModel } from '../spec/embedding-model.js';
import { errorCodes, GemmaRagError, throwIfAborted } from '../spec/errors.js';
import { parseDimensions } from './dimensions.js';
import { refuseEmptyInputs, refuseInputsOverLimit } from './input-limit.js';
import type { ModelProfile } from './model-profiles.js';
import { documentPrompt, type PromptChoice, resolvePromptPrefix } from './prompts.js';
import { l2Normalize, truncateMatryoshka } from './vector-math.js';

export interface EmbedderOptions {
  model: EmbeddingModel;
  profile: ModelProfile;
  /** Output size after Matryoshka truncation. Default: the model's native size. */
  dimensions?: number | undefined;
}

export interface EmbedManyOptions {
  prompt: PromptChoice;
  abortSignal?: AbortSignal | undefined;
  /** Called after each batch with how many inputs are done. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface EmbeddingInput {
  text: string;
  /** Overrides the call's prompt for this input (used for per-document titles). */
  prompt?: PromptChoice | undefined;
}

/**
 * EmbeddingGemma's semantics, applied once above every engine: task prompts, the input
 * limit (an error, never silent truncation), batching with progress, output validation,
 * L2 normalization and Matryoshka truncation with re-normalization.
 */
export class Embedder {
  readonly model: EmbeddingModel;
  readonly profile: ModelProfile;
  readonly dimensions: number;

  constructor(options: EmbedderOptions) {
    this.model = options.model;
    this.profile = options.profile;
    this.dimensions =
      options.dimensions === undefined
        ? options.model.dimensions
        : parseDimensions(options.dimensions, options.model.dimensions);
  }

  /** The input limit in force: the tighter of the profile's and the engine's. */
  get maxInputTokens(): number {
    return Math.min(this.profile.maxInputTokens, this.model.maxInputTokens);
  }

  async embedQuery(
    text: string,
    options: { promptName?: string | undefined; abortSignal?: AbortSignal | undefined } = {},
  ): Promise<Float32Array> {
    const prompt: PromptChoice = { kind: 'named', name: options.promptName ?? 'query' };
    const [vector] = await this.embedMany([text], { prompt, abortSignal: options.abortSignal });
    return vector as Float32Array;
  }

  async embedDocument(
    document: { title?: string | undefined; content: string },
    options: { abortSignal?: AbortSignal | undefined } = {},
  ): Promise<Float32Array> {
    const [vector] = await this.embedMany([document.content], {
      prompt: documentPrompt(document.title),
      abortSignal: options.abortSignal,
    });
    return vector as Float32Array;
  }

  async embedMany(inputs: readonly (string | EmbeddingInput)[], options: EmbedManyOptions): Promise<Float32Array[]> {
    refuseEmptyInputs(inputs.map((input) => (typeof input === 'string' ? input : input.text)));
    const texts = inputs.map((input) => {
      const { text, prompt } = typeof input === 'string' ? { text: input, prompt: undefined } : input;
      return resolvePromptPrefix(this.profile, prompt ?? options.prompt) + text;
    });
    const results: Float32Array[] = [];
    const batchSize = Math.max(1, this.model.maxEmbeddingsPerCall);
    options.onProgress?.(0, texts.length);
    for (let start = 0; start < texts.length; start += batchSize) {
      throwIfAborted(options.abortSignal);
      const batch = texts.slice(start, start + batchSize);
      await refuseInputsOverLimit(
        batch,
        this.maxInputTokens,
        (suspects) => this.countTokens(suspects, options.abortSignal),
        {
          who: this.profile.displayName,
          firstIndex: start,
        },
      );
      const { embeddings } = await this.model.embed({ values: batch, abortSignal: options.abortSignal });
      this.checkEngineOutput(embeddings, batch.length);
      for (const raw of embeddings) {
        const unit = l2Normalize(raw);
        results.push(this.dimensions === unit.length ? unit : truncateMatryoshka(unit, this.dimensions));
      }
      options.onProgress?.(results.length, texts.length);
    }
    return results;
  }

  /** Tokens of each text as the model sees it, prompt and special tokens included. */
  countTokens(texts: readonly string[], abortSignal?: AbortSignal): Promise<number[]> {
    return this.model.countTokens({ values: texts, abortSignal });
  }

  private checkEngineOutput(embeddings: readonly Float32Array[], expectedCount: number): void {
    if (embeddings.length !== expectedCount) {
      throw new GemmaRagError(
        errorCodes.engineFailure,
        `The ${this.model.engine} engine returned ${embeddings.length} embeddings for ${expectedCount} inputs.`,
        { data: { expected: expectedCount, actual: embeddings.length } },
      );
    }
    for (const vector of embeddings) {
      if (vector.length !== this.model.dimensions) {
        throw new GemmaRagError(
          errorCodes.engineFailure,
          `The ${this.model.engine} engine returned a ${vector.length}-dimensional vector; ${this.model.modelId} declares ${this.model.dimensions}.`,
          { data: { expected: this.model.dimensions, actual: vector.length } },
        );
      }
      if (!vector.every(Number.isFinite)) {
        throw new GemmaRagError(
          errorCodes.engineFailure,
          `The ${this.model.engine} engine returned non-finite values (NaN or infinity). With EmbeddingGemma this usually means float16 activations, which overflow: use fp32, bf16, q8 or q4 weights.`,
        );
      }
    }
  }
}
