import {
  type CountTokensOptions,
  EmbeddingModelStandIn,
  type EmbedOptions,
  type EmbedResult,
} from '../../spec/embedding-model.js';
import type { EmbeddingModelDescription } from './engine-messages.js';
import type { EngineProcess } from './engine-process.js';

/** The embedding model of an engine process, behind the same interface as one in this process. */
export class IsolatedEmbeddingModel extends EmbeddingModelStandIn {
  constructor(
    private readonly engineProcess: EngineProcess,
    description: EmbeddingModelDescription,
  ) {
    super(description);
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
