/**
 * What an engine must do to serve as an embedding model. Engines see finished input
 * strings: task prompts, Matryoshka truncation and normalization are applied above them
 * (src/embedding/embedder.ts), once, so that every engine gives the same semantics.
 */
export interface EmbeddingModel {
  /** Engine id, e.g. `llama-cpp` or `lexical`. */
  readonly engine: string;
  /**
   * How to name this engine to people and in JSON `engine` fields. Stand-ins that are not
   * EmbeddingGemma say so here, e.g. `lexical (not EmbeddingGemma)`.
   */
  readonly label: string;
  /** What was loaded: a file path, repository or server-side model name. */
  readonly modelId: string;
  /**
   * Identifies the weights: two models with the same fingerprint give the same vectors.
   * Knowledge bases record it so that vectors from different models never mix.
   */
  readonly fingerprint: string;
  /** Length of the vectors `embed` returns. */
  readonly dimensions: number;
  /** Longest input in tokens (as `countTokens` counts them) the model accepts. */
  readonly maxInputTokens: number;
  /** How many inputs one `embed` call may take; the embedder batches accordingly. */
  readonly maxEmbeddingsPerCall: number;

  /**
   * Similarity thresholds suited to this engine's score scale, when it differs from the
   * model profile's (the lexical stand-in scores lower than EmbeddingGemma).
   */
  readonly suggestedThresholds?: { category: number; document: number } | undefined;

  countTokens(input: CountTokensOptions): Promise<number[]>;
  embed(input: EmbedOptions): Promise<EmbedResult>;
  dispose(): Promise<void>;
}

export interface CountTokensOptions {
  values: readonly string[];
  abortSignal?: AbortSignal | undefined;
}

export interface EmbedOptions {
  values: readonly string[];
  abortSignal?: AbortSignal | undefined;
}

export interface EmbedResult {
  /** One vector per input, in input order. Not necessarily normalized. */
  embeddings: Float32Array[];
}

/** What an EmbeddingModel declares about itself, without its methods. */
export type EmbeddingModelInfo = Pick<
  EmbeddingModel,
  | 'engine'
  | 'label'
  | 'modelId'
  | 'fingerprint'
  | 'dimensions'
  | 'maxInputTokens'
  | 'maxEmbeddingsPerCall'
  | 'suggestedThresholds'
>;

export function embeddingModelInfo(model: EmbeddingModelInfo): EmbeddingModelInfo {
  const { engine, label, modelId, fingerprint, dimensions, maxInputTokens, maxEmbeddingsPerCall } = model;
  return {
    engine,
    label,
    modelId,
    fingerprint,
    dimensions,
    maxInputTokens,
    maxEmbeddingsPerCall,
    suggestedThresholds: model.suggestedThresholds,
  };
}

/** For models that stand in for another (a cache in front of it, a proxy to another process): its facts, copied. */
export abstract class EmbeddingModelStandIn implements EmbeddingModel {
  readonly engine: string;
  readonly label: string;
  readonly modelId: string;
  readonly fingerprint: string;
  readonly dimensions: number;
  readonly maxInputTokens: number;
  readonly maxEmbeddingsPerCall: number;
  readonly suggestedThresholds: EmbeddingModel['suggestedThresholds'];

  constructor(info: EmbeddingModelInfo) {
    this.engine = info.engine;
    this.label = info.label;
    this.modelId = info.modelId;
    this.fingerprint = info.fingerprint;
    this.dimensions = info.dimensions;
    this.maxInputTokens = info.maxInputTokens;
    this.maxEmbeddingsPerCall = info.maxEmbeddingsPerCall;
    this.suggestedThresholds = info.suggestedThresholds;
  }

  abstract countTokens(input: CountTokensOptions): Promise<number[]>;
  abstract embed(input: EmbedOptions): Promise<EmbedResult>;
  abstract dispose(): Promise<void>;
}
