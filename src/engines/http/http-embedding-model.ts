import { refuseInputsOverLimit } from '../../embedding/input-limit.js';
import type { CountTokensOptions, EmbeddingModel, EmbedOptions, EmbedResult } from '../../spec/embedding-model.js';
import { errorCodes, GemmaRagError, throwIfAborted } from '../../spec/errors.js';
import { countGemmaTokens } from '../llama-cpp/gemma3-vocabulary.js';
import type { HttpClient } from './http-client.js';
import { checkBatchSize, toFloat32Vectors } from './vectors.js';

/** One embeddings request to the server: raw vectors in input order. */
export type RequestEmbeddings = (values: readonly string[], abortSignal?: AbortSignal) => Promise<number[][]>;

export interface HttpEmbeddingModelParts {
  client: HttpClient;
  modelId: string;
  fingerprint: string;
  dimensions: number;
  maxInputTokens: number;
  maxEmbeddingsPerCall: number;
  /** Who answered, in messages: "Ollama (embeddinggemma)". */
  who: string;
  request: RequestEmbeddings;
}

/**
 * What every embedding model behind an HTTP server does the same way: Gemma 3 token counts
 * on this side (servers have no common tokenizer endpoint), the input limit enforced before
 * sending (an over-long input must fail, not lose its end on the server), batch size and
 * vector shape checked. Subclasses differ only in how they connect and what they send.
 */
export abstract class HttpEmbeddingModel implements EmbeddingModel {
  abstract readonly engine: string;
  abstract readonly label: string;
  readonly modelId: string;
  readonly fingerprint: string;
  readonly dimensions: number;
  readonly maxInputTokens: number;
  readonly maxEmbeddingsPerCall: number;
  private readonly client: HttpClient;
  private readonly who: string;
  private readonly request: RequestEmbeddings;

  protected constructor(parts: HttpEmbeddingModelParts) {
    this.client = parts.client;
    this.modelId = parts.modelId;
    this.fingerprint = parts.fingerprint;
    this.dimensions = parts.dimensions;
    this.maxInputTokens = parts.maxInputTokens;
    this.maxEmbeddingsPerCall = parts.maxEmbeddingsPerCall;
    this.who = parts.who;
    this.request = parts.request;
  }

  get baseUrl(): string {
    return this.client.baseUrl;
  }

  /** Gemma 3 tokens with `<bos>` and `<eos>`. */
  async countTokens({ values, abortSignal }: CountTokensOptions): Promise<number[]> {
    throwIfAborted(abortSignal);
    return countGemmaTokens(values);
  }

  async embed({ values, abortSignal }: EmbedOptions): Promise<EmbedResult> {
    throwIfAborted(abortSignal);
    checkBatchSize(values.length, this.maxEmbeddingsPerCall, this.engine);
    if (values.length === 0) return { embeddings: [] };
    await refuseInputsOverLimit(values, this.maxInputTokens, countGemmaTokens, { who: this.who });
    const vectors = await this.request(values, abortSignal);
    return { embeddings: toFloat32Vectors(vectors, values.length, this.dimensions, this.who) };
  }

  async dispose(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/**
 * Embeds one probe text to learn the vector size, failing early (with the server's own
 * advice from the client) when the server is down, lacks the model, or ignores a requested size.
 */
export async function probeDimensions(
  request: RequestEmbeddings,
  requested: number | undefined,
  explain: { empty: string; ignored: (actual: number) => string },
): Promise<number> {
  const probe = await request(['dimension probe']);
  const dimensions = probe[0]?.length ?? 0;
  if (dimensions === 0 || (requested !== undefined && dimensions !== requested)) {
    throw new GemmaRagError(
      errorCodes.engineFailure,
      requested === undefined ? explain.empty : explain.ignored(dimensions),
      {
        data: { expected: requested ?? null, actual: dimensions },
      },
    );
  }
  return dimensions;
}
