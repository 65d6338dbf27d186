import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { refuseInputsOverLimit } from '../../embedding/input-limit.js';
import type { ModelProfile } from '../../embedding/model-profiles.js';
import type { CountTokensOptions, EmbeddingModel, EmbedOptions, EmbedResult } from '../../spec/embedding-model.js';
import { errorCodes, GemmaRagError, throwIfAborted } from '../../spec/errors.js';
import { checkEmbeddingGguf, type EmbeddingCheckOptions, inspectGguf } from './gguf-inspection.js';
import { getLlamaRuntime, type LlamaRuntimeOptions, loadFailure, withLlamaLog } from './llama-runtime.js';
import { physicalCoreCount } from './physical-cores.js';

export interface LlamaCppEmbeddingOptions extends LlamaRuntimeOptions, EmbeddingCheckOptions {
  /** Path of a GGUF file (already resolved; see models/model-resolver.ts). */
  modelPath: string;
  /** CPU threads. Default: the machine's physical cores. */
  threads?: number | undefined;
  /** Longest input in tokens; also the context and batch size. Default: the model's training context, at most 8192. */
  maxInputTokens?: number | undefined;
  /** llama.cpp flash attention. Default `auto` (llama.cpp decides); bench/embed.ts measures both. */
  flashAttention?: 'auto' | boolean | undefined;
  /**
   * Embedding contexts that work on one batch side by side, sharing the threads (each gets all of
   * them when it runs alone, so a single question is not slower). Default: 2 when there are at
   * least 2 cores. node-llama-cpp embeds one text per native call; two contexts keep both cores
   * busy through each call's single-threaded parts: +12% tok/s on 2 cores (bench/embed.ts),
   * vectors identical.
   */
  contexts?: number | undefined;
}

/**
 * EmbeddingGemma GGUF files run in-process by llama.cpp. llama.cpp applies mean pooling
 * and the Dense layers, but adds no prompt and does not normalize: the Embedder does both.
 */
export class LlamaCppEmbeddingModel implements EmbeddingModel {
  readonly engine = 'llama-cpp';
  readonly label = 'llama-cpp';
  // One input per native call (spread over the contexts); the embedder's batches bound progress granularity.
  readonly maxEmbeddingsPerCall = 16;
  /** The profile the file's architecture implies (EmbeddingGemma for `gemma-embedding`). */
  readonly detectedProfile: ModelProfile | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly modelId: string,
    readonly fingerprint: string,
    readonly dimensions: number,
    readonly maxInputTokens: number,
    detectedProfile: ModelProfile | undefined,
    private readonly model: LlamaModel,
    private readonly contexts: readonly LlamaEmbeddingContext[],
  ) {
    this.detectedProfile = detectedProfile;
  }

  static async load(options: LlamaCppEmbeddingOptions): Promise<LlamaCppEmbeddingModel> {
    const summary = await inspectGguf(options.modelPath);
    const detectedProfile = checkEmbeddingGguf(summary, options);
    const llama = await getLlamaRuntime(options);
    try {
      const model = await withLlamaLog(() =>
        llama.loadModel({
          modelPath: options.modelPath,
          defaultContextFlashAttention: options.flashAttention ?? 'auto',
          ...(options.onLoadProgress ? { onLoadProgress: options.onLoadProgress } : {}),
        }),
      );
      const maxInputTokens = Math.min(
        options.maxInputTokens ?? detectedProfile?.maxInputTokens ?? 8192,
        model.trainContextSize,
      );
      // A non-causal model must see its whole input in one micro-batch. node-llama-cpp wants
      // one free slot beyond the input (it refuses length >= context size), so an input of
      // exactly maxInputTokens needs a context one larger.
      const threads = options.threads ?? physicalCoreCount();
      const count = Math.max(1, Math.min(options.contexts ?? (threads >= 2 ? 2 : 1), 8));
      const contexts: LlamaEmbeddingContext[] = [];
      for (let index = 0; index < count; index++) {
        contexts.push(
          await model.createEmbeddingContext({
            contextSize: maxInputTokens + 1,
            batchSize: maxInputTokens + 1,
            // The ideal count: node-llama-cpp (min 1) gives a context all of them when it runs
            // alone and splits them when contexts run at once, within the runtime's maxThreads.
            threads,
          }),
        );
      }
      return new LlamaCppEmbeddingModel(
        options.modelPath,
        summary.fingerprint,
        model.embeddingVectorSize,
        maxInputTokens,
        detectedProfile,
        model,
        contexts,
      );
    } catch (error) {
      throw loadFailure(options.modelPath, error);
    }
  }

  async countTokens({ values, abortSignal }: CountTokensOptions): Promise<number[]> {
    throwIfAborted(abortSignal);
    // Counts the BOS/EOS tokens the context adds, so the limit check is exact.
    const context = this.contexts[0] as LlamaEmbeddingContext;
    return values.map((value) => context.calculateInputLength(value));
  }

  async embed({ values, abortSignal }: EmbedOptions): Promise<EmbedResult> {
    // The native context is not re-entrant: serialize callers.
    const run = this.queue.then(async () => {
      await refuseInputsOverLimit(values, this.maxInputTokens, (texts) => this.countTokens({ values: texts }), {
        who: this.modelId,
      });
      const embeddings: Float32Array[] = new Array(values.length);
      let next = 0;
      // Each context takes the next text until none is left; results keep the input order.
      await Promise.all(
        this.contexts.map(async (context) => {
          while (next < values.length) {
            throwIfAborted(abortSignal);
            const index = next++;
            embeddings[index] = await this.embedOne(context, values[index] as string);
          }
        }),
      );
      return { embeddings };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async embedOne(context: LlamaEmbeddingContext, value: string): Promise<Float32Array> {
    try {
      return Float32Array.from((await context.getEmbeddingFor(value)).vector);
    } catch (error) {
      throw new GemmaRagError(
        errorCodes.engineFailure,
        `llama.cpp failed to embed with ${this.modelId}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  async dispose(): Promise<void> {
    for (const context of this.contexts) await context.dispose();
    await this.model.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
