import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import { refuseInputsOverLimit } from '../../embedding/input-limit.js';
import { embeddingGemma, embeddingGemma2, type ModelProfile } from '../../embedding/model-profiles.js';
import type { CountTokensOptions, EmbeddingModel, EmbedOptions, EmbedResult } from '../../spec/embedding-model.js';
import { errorCodes, GemmaRagError, throwIfAborted } from '../../spec/errors.js';
import {
  type LoadingStep,
  loadingError,
  type ModelSourceOptions,
  modelFingerprint,
  parseTransformersDtype,
  resolveModelSource,
} from './model-source.js';
import { loadTransformers, sessionOptions, type TransformersLoadOptions } from './transformers-runtime.js';

export const defaultTransformersEmbeddingModel = 'onnx-community/embeddinggemma-300m-ONNX';

/** Defaults: model `onnx-community/embeddinggemma-300m-ONNX`, dtype `q8` (fp32 gives the model card's numbers). */
export type TransformersEmbeddingOptions = TransformersLoadOptions;

/** Inputs per ONNX run: padding costs less in small groups of similar length, and abort is checked between them. */
const rowsPerRun = 8;

/**
 * EmbeddingGemma (and EmbeddingGemma 2) ONNX in-process through transformers.js. Reads the
 * graph's `sentence_embedding` output — pooled, Dense-projected and normalized inside the
 * graph — never `last_hidden_state` (which `pipeline('feature-extraction')` would mean-pool,
 * skipping the Dense layers). Adds no prompt: inputs arrive finished from the Embedder.
 */
export class TransformersEmbeddingModel implements EmbeddingModel {
  readonly engine = 'transformers';
  readonly label = 'transformers';
  readonly maxEmbeddingsPerCall = 32;
  /** The profile the config's `model_type` implies: EmbeddingGemma (`gemma3_text`) or EmbeddingGemma 2 (`embedding_gemma2`). */
  readonly detectedProfile: ModelProfile | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly modelId: string,
    readonly fingerprint: string,
    readonly dimensions: number,
    readonly maxInputTokens: number,
    detectedProfile: ModelProfile | undefined,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
  ) {
    this.detectedProfile = detectedProfile;
  }

  static async load(options: TransformersEmbeddingOptions = {}): Promise<TransformersEmbeddingModel> {
    const dtype = parseTransformersDtype(options.dtype ?? 'q8');
    const sourceOptions: ModelSourceOptions = {
      model: options.model ?? defaultTransformersEmbeddingModel,
      dtype,
      role: 'embedding',
      cacheDir: options.cacheDir,
      localFilesOnly: options.localFilesOnly,
      allowDownload: options.allowDownload,
      environment: options.environment,
    };
    const source = await resolveModelSource(sourceOptions);
    const transformers = await loadTransformers(options.importTransformers);
    const common = {
      local_files_only: source.localFilesOnly,
      ...(source.cacheDir ? { cache_dir: source.cacheDir } : {}),
      ...(options.onProgress ? { progress_callback: progressReporter(options.onProgress) } : {}),
    };
    let step: LoadingStep = 'config';
    let tokenizer: PreTrainedTokenizer;
    let model: PreTrainedModel;
    let profile: ModelProfile | undefined;
    try {
      const config = await transformers.AutoConfig.from_pretrained(source.pathOrRepository, common);
      profile = profileForConfig(config as unknown as Record<string, unknown>, sourceOptions.model);
      if (profile === embeddingGemma2) {
        // Text only: without these the vision and audio towers (~470M parameters) would load too.
        Object.assign(config, { vision_config: null, audio_config: null });
      }
      step = 'tokenizer';
      tokenizer = await transformers.AutoTokenizer.from_pretrained(source.pathOrRepository, common);
      step = 'weights';
      model = await transformers.AutoModel.from_pretrained(source.pathOrRepository, {
        ...common,
        config,
        dtype,
        device: 'cpu',
        session_options: sessionOptions(options.threads),
      });
    } catch (error) {
      throw loadingError(error, source, sourceOptions, step);
    }
    try {
      // Positions are computed inside the graph from 0: left padding would shift them.
      tokenizer.padding_side = 'right';
      const dimensions = sentenceEmbeddingSize(model, sourceOptions.model);
      const configLimit = Number((model.config as unknown as Record<string, unknown>).max_position_embeddings);
      const maxInputTokens = Math.min(
        profile?.maxInputTokens ?? 8192,
        Number.isFinite(configLimit) && configLimit > 0 ? configLimit : Number.POSITIVE_INFINITY,
      );
      return new TransformersEmbeddingModel(
        `${source.repository ?? source.folder} (${dtype})`,
        await modelFingerprint(source.folder, source.onnxFile),
        dimensions,
        maxInputTokens,
        profile,
        tokenizer,
        model,
      );
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  async countTokens({ values, abortSignal }: CountTokensOptions): Promise<number[]> {
    throwIfAborted(abortSignal);
    // With special tokens (<bos> … <eos>): exactly what the model sees.
    return values.map((value) => this.tokenizer.encode(value, { add_special_tokens: true }).length);
  }

  async embed({ values, abortSignal }: EmbedOptions): Promise<EmbedResult> {
    throwIfAborted(abortSignal);
    // ONNX Runtime sessions are not re-entrant here: serialize callers.
    const run = this.queue.then(() => this.embedAll(values, abortSignal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async embedAll(values: readonly string[], abortSignal: AbortSignal | undefined): Promise<EmbedResult> {
    const embeddings: Float32Array[] = new Array(values.length);
    // Group inputs of similar length so that little padding is computed.
    const lengths = await this.countTokens({ values });
    await refuseInputsOverLimit(values, this.maxInputTokens, (texts) => this.countTokens({ values: texts }), {
      who: this.modelId,
    });
    const order = values.map((_, index) => index).sort((left, right) => (lengths[left] ?? 0) - (lengths[right] ?? 0));
    for (let start = 0; start < order.length; start += rowsPerRun) {
      throwIfAborted(abortSignal);
      const rows = order.slice(start, start + rowsPerRun);
      const vectors = await this.run(rows.map((row) => values[row] ?? ''));
      rows.forEach((row, index) => {
        embeddings[row] = vectors[index] as Float32Array;
      });
    }
    throwIfAborted(abortSignal);
    return { embeddings };
  }

  private async run(texts: string[]): Promise<Float32Array[]> {
    let output: Tensor | undefined;
    try {
      const inputs = this.tokenizer(texts, { padding: true, truncation: false, add_special_tokens: true });
      const outputs = (await this.model(inputs)) as Record<string, Tensor | undefined>;
      output = outputs.sentence_embedding;
    } catch (error) {
      throw new GemmaRagError(
        errorCodes.engineFailure,
        `transformers.js failed to embed with ${this.modelId}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (output?.type !== 'float32' || output.dims.length !== 2 || output.dims[0] !== texts.length) {
      throw new GemmaRagError(
        errorCodes.engineFailure,
        `${this.modelId} returned no usable sentence_embedding (type ${output?.type}, shape [${output?.dims.join(', ')}]).`,
        { data: { type: output?.type ?? null, dims: output?.dims ?? null } },
      );
    }
    const data = output.data as Float32Array;
    const size = this.dimensions;
    return texts.map((_, row) => data.slice(row * size, (row + 1) * size));
  }

  async dispose(): Promise<void> {
    await this.queue;
    await this.model.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/**
 * EmbeddingGemma's ONNX config says `gemma3_text` with bidirectional attention (a plain
 * Gemma 3 text config is a causal language model, not an embedder); EmbeddingGemma 2's
 * says `embedding_gemma2`. Other embedding models load without a profile.
 */
function profileForConfig(config: Record<string, unknown>, model: string): ModelProfile | undefined {
  const modelType = config.model_type;
  if (modelType === 'embedding_gemma2') return embeddingGemma2;
  if (modelType === 'gemma3_text') {
    if (config.use_bidirectional_attention === true) return embeddingGemma;
    throw new GemmaRagError(
      errorCodes.modelIncompatible,
      `${model} is a Gemma 3 language model (causal attention), not EmbeddingGemma. Use it as --generation-model, and onnx-community/embeddinggemma-300m-ONNX for embeddings.`,
      { data: { model, modelType } },
    );
  }
  return undefined;
}

function sentenceEmbeddingSize(model: PreTrainedModel, name: string): number {
  const session = (model.sessions as Record<string, OrtSessionInfo | undefined>).model;
  const output = session?.outputMetadata?.find((metadata) => metadata.name === 'sentence_embedding');
  if (!session?.outputNames.includes('sentence_embedding') || !output) {
    throw new GemmaRagError(
      errorCodes.modelIncompatible,
      `${name} has no sentence_embedding output (outputs: ${session?.outputNames.join(', ') ?? 'none'}). The transformers engine needs a sentence-transformers ONNX export whose graph pools, projects and normalizes, such as onnx-community/embeddinggemma-300m-ONNX.`,
      { data: { model: name, outputs: session?.outputNames ?? [] } },
    );
  }
  const size = output.shape?.at(-1);
  if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
    throw new GemmaRagError(
      errorCodes.modelIncompatible,
      `${name}'s sentence_embedding output has no fixed size (shape [${output.shape?.join(', ')}]).`,
      { data: { model: name } },
    );
  }
  return size;
}

/** The parts of an onnxruntime InferenceSession we read (not in transformers.js's types). */
interface OrtSessionInfo {
  outputNames: readonly string[];
  outputMetadata?: readonly { name: string; shape?: readonly (number | string)[] }[];
}

/** Sums transformers.js's per-file progress events into one byte count. */
export function progressReporter(
  onProgress: (status: { downloadedBytes: number; totalBytes: number }) => void,
): (event: unknown) => void {
  const files = new Map<string, { loaded: number; total: number }>();
  return (event) => {
    const { status, file, loaded, total } = event as {
      status?: string;
      file?: string;
      loaded?: number;
      total?: number;
    };
    if (status !== 'progress' || !file || typeof loaded !== 'number' || typeof total !== 'number') return;
    files.set(file, { loaded, total });
    let downloadedBytes = 0;
    let totalBytes = 0;
    for (const entry of files.values()) {
      downloadedBytes += entry.loaded;
      totalBytes += entry.total;
    }
    onProgress({ downloadedBytes, totalBytes });
  };
}
