import type { LlamaModel, LlamaRankingContext } from 'node-llama-cpp';
import { errorCodes, GemmaRagError, throwIfAborted } from '../../spec/errors.js';
import type { RankingModel, RankOptions, RankResult } from '../../spec/ranking-model.js';
import { inspectGguf } from './gguf-inspection.js';
import { getLlamaRuntime, type LlamaRuntimeOptions } from './llama-runtime.js';
import { physicalCoreCount } from './physical-cores.js';

export interface LlamaCppRankingOptions extends LlamaRuntimeOptions {
  /** Path of a reranker GGUF (already resolved; see models/model-resolver.ts). */
  modelPath: string;
  threads?: number | undefined;
  /** Longest query + passage in tokens. Default: the model's training context, at most 8192. */
  contextSize?: number | undefined;
}

/** Tensors of a classification head, which llama.cpp's rank pooling reads the score from. */
const classificationHeads = ['cls.weight', 'cls.output.weight'];

/**
 * A reranker GGUF (bge-reranker-v2-m3, Qwen3-Reranker, …) run in-process through
 * node-llama-cpp's ranking context, which scores each passage with the model's classification
 * head and returns probabilities in [0, 1].
 */
export class LlamaCppRankingModel implements RankingModel {
  readonly engine = 'llama-cpp';
  readonly maxDocumentsPerCall = 16;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly modelId: string,
    private readonly model: LlamaModel,
    private readonly context: LlamaRankingContext,
  ) {}

  static async load(options: LlamaCppRankingOptions): Promise<LlamaCppRankingModel> {
    const summary = await inspectGguf(options.modelPath);
    if (!classificationHeads.some((name) => summary.tensorNames.has(name))) {
      throw new GemmaRagError(
        errorCodes.modelIncompatible,
        `${options.modelPath} (${summary.architecture}) is not a reranker: it has no classification head (${classificationHeads.join(' or ')}). Use a reranker GGUF such as bge-reranker-v2-m3 or Qwen3-Reranker-0.6B.`,
        { data: { path: options.modelPath, architecture: summary.architecture } },
      );
    }
    const llama = await getLlamaRuntime(options);
    try {
      const model = await llama.loadModel({ modelPath: options.modelPath });
      const contextSize = Math.min(options.contextSize ?? 8192, model.trainContextSize);
      const context = await model.createRankingContext({
        contextSize,
        batchSize: contextSize,
        threads: options.threads ?? physicalCoreCount(),
      });
      return new LlamaCppRankingModel(options.modelPath, model, context);
    } catch (error) {
      if (GemmaRagError.isInstance(error)) throw error;
      throw new GemmaRagError(
        errorCodes.engineFailure,
        `llama.cpp could not load the reranker ${options.modelPath}: ${error instanceof Error ? error.message : String(error)}`,
        { data: { path: options.modelPath }, cause: error },
      );
    }
  }

  async rank({ query, documents, abortSignal }: RankOptions): Promise<RankResult> {
    throwIfAborted(abortSignal);
    // The native context is not re-entrant: serialize callers.
    const run = this.queue.then(async () => {
      const scores: number[] = [];
      for (const document of documents) {
        throwIfAborted(abortSignal);
        // A passage longer than the context is scored by its best window, not refused.
        scores.push(await this.context.rank(query, document, { onOverflow: 'maxChunk' }));
      }
      return { scores };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }
}
