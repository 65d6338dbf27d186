import type { CountTokensOptions, EmbeddingModel, EmbedOptions, EmbedResult } from '../../spec/embedding-model.js';
import type { EmbeddingModelDescription } from './engine-messages.js';
import type { EngineProcess } from './engine-process.js';

/** The embedding model of an engine process, behind the same interface as one in this process. */
export class IsolatedEmbeddingModel implements EmbeddingModel {
  readonly engine: string;
  readonly label: string;
  readonly modelId: string;
  readonly fingerprint: string;
  readonly dimensions: number;
  readonly maxInputTokens: number;
  readonly maxEmbeddingsPerCall: number;
  readonly suggestedThresholds: { category: number; document: number } | undefined;

  constructor(
    private readonly engineProcess: EngineProcess,
    description: EmbeddingModelDescription,
  ) {
    this.engine = description.engine;
    this.label = description.label;
    this.modelId = description.modelId;
    this.fingerprint = description.fingerprint;
    this.dimensions = description.dimensions;
    this.maxInputTokens = description.maxInputTokens;
    this.maxEmbeddingsPerCall = description.maxEmbeddingsPerCall;
    this.suggestedThresholds = description.suggestedThresholds;
    engineProcess.acquire();
  }

  countTokens({ values, abortSignal }: CountTokensOptions): Promise<number[]> {
    return this.engineProcess.request<number[]>({ type: 'count-tokens', values }, { abortSignal });
  }

  async embed({ values, abortSignal }: EmbedOptions): Promise<EmbedResult> {
    const embeddings = await this.engineProcess.request<Float32Array[]>({ type: 'embed', values }, { abortSignal });
    return { embeddings };
  }

  dispose(): Promise<void> {
    return this.engineProcess.release();
  }
}
