import { refuseInputsOverLimit } from '../../embedding/input-limit.js';
import type { CountTokensOptions, EmbeddingModel, EmbedOptions, EmbedResult } from '../../spec/embedding-model.js';
import { errorCodes, GemmaRagError, throwIfAborted } from '../../spec/errors.js';
import type { HttpClient, HttpTransportOptions } from '../http/http-client.js';
import { checkBatchSize, toFloat32Vectors } from '../http/vectors.js';
import { countGemmaTokens } from '../llama-cpp/gemma3-vocabulary.js';
import { embeddingsResponseSchema } from './openai-compatible-schemas.js';
import { defaultOpenAiCompatibleBaseUrl, openAiApiRoot, openAiCompatibleClient } from './openai-compatible-settings.js';
import { resolveServedModel } from './served-model.js';

export interface OpenAiCompatibleEmbeddingOptions extends HttpTransportOptions {
  /** Server address, with or without `/v1`. Default http://127.0.0.1:8080 (llama.cpp's llama-server). */
  baseUrl?: string | undefined;
  /** Model name to send. Default: the server's only model (GET /v1/models). */
  model?: string | undefined;
  /** Sent as `Authorization: Bearer …`. Default none (see `apiKeyFromEnvironment`). */
  apiKey?: string | undefined;
  /**
   * Send `dimensions` so that the server truncates. Only for servers that support it
   * (OpenAI, vLLM with Matryoshka models); default unset: the Embedder truncates locally.
   */
  dimensions?: number | undefined;
  /** Input limit in Gemma 3 tokens. Default 8192; the model profile's limit applies on top. */
  maxInputTokens?: number | undefined;
  /** Inputs per request. Default 32, the default batch limit of Text Embeddings Inference. */
  maxEmbeddingsPerCall?: number | undefined;
}

const probeText = 'dimension probe';

/**
 * An embedding model behind any server speaking OpenAI's `/v1/embeddings`: llama.cpp's
 * llama-server, vLLM, Text Embeddings Inference, LM Studio, Ollama's /v1, OpenAI. Whether
 * the server normalizes or not, the Embedder normalizes.
 */
export class OpenAiCompatibleEmbeddingModel implements EmbeddingModel {
  readonly engine = 'openai-compatible';
  readonly label = 'openai-compatible';

  private constructor(
    private readonly client: HttpClient,
    readonly modelId: string,
    readonly fingerprint: string,
    readonly dimensions: number,
    readonly maxInputTokens: number,
    readonly maxEmbeddingsPerCall: number,
    private readonly requestedDimensions: number | undefined,
  ) {}

  /** Resolves the model name and embeds one probe text to learn the vector size (failing early, with advice). */
  static async create(options: OpenAiCompatibleEmbeddingOptions = {}): Promise<OpenAiCompatibleEmbeddingModel> {
    const apiRoot = openAiApiRoot(options.baseUrl ?? defaultOpenAiCompatibleBaseUrl);
    const client = openAiCompatibleClient(options);
    const model = await resolveServedModel(client, options.model);
    const probe = await requestEmbeddings(client, model, [probeText], options.dimensions);
    const dimensions = probe[0]?.length ?? 0;
    if (dimensions === 0 || (options.dimensions !== undefined && dimensions !== options.dimensions)) {
      throw new GemmaRagError(
        errorCodes.engineFailure,
        options.dimensions === undefined
          ? `The server at ${apiRoot} returned an empty embedding for "${model}".`
          : `The server at ${apiRoot} returned ${dimensions} dimensions where ${options.dimensions} were requested: it ignores \`dimensions\`. Drop the server-side dimensions option and let gemma-rag truncate (--dimensions).`,
        { data: { expected: options.dimensions ?? null, actual: dimensions } },
      );
    }
    const suffix = options.dimensions === undefined ? '' : `/d${options.dimensions}`;
    return new OpenAiCompatibleEmbeddingModel(
      client,
      model,
      // These servers publish no weight digest: the address and name are the best identity.
      `${apiRoot}|${model}${suffix}`,
      dimensions,
      options.maxInputTokens ?? 8192,
      options.maxEmbeddingsPerCall ?? 32,
      options.dimensions,
    );
  }

  get baseUrl(): string {
    return this.client.baseUrl;
  }

  /** Gemma 3 tokens with `<bos>` and `<eos>`: there is no common tokenizer endpoint. */
  async countTokens({ values, abortSignal }: CountTokensOptions): Promise<number[]> {
    throwIfAborted(abortSignal);
    return countGemmaTokens(values);
  }

  async embed({ values, abortSignal }: EmbedOptions): Promise<EmbedResult> {
    throwIfAborted(abortSignal);
    checkBatchSize(values.length, this.maxEmbeddingsPerCall, this.engine);
    if (values.length === 0) return { embeddings: [] };
    await refuseInputsOverLimit(values, this.maxInputTokens, countGemmaTokens, {
      who: `The server at ${this.client.baseUrl} (${this.modelId})`,
    });
    const vectors = await requestEmbeddings(this.client, this.modelId, values, this.requestedDimensions, abortSignal);
    return {
      embeddings: toFloat32Vectors(
        vectors,
        values.length,
        this.dimensions,
        `The server at ${this.client.baseUrl} (${this.modelId})`,
      ),
    };
  }

  async dispose(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

async function requestEmbeddings(
  client: HttpClient,
  model: string,
  values: readonly string[],
  dimensions: number | undefined,
  abortSignal?: AbortSignal,
): Promise<number[][]> {
  const { data } = await client.json(
    'POST',
    '/embeddings',
    { model, input: values, encoding_format: 'float', ...(dimensions === undefined ? {} : { dimensions }) },
    embeddingsResponseSchema,
    { abortSignal, model },
  );
  // Results carry their input's index and need not arrive in order.
  const ordered = [...data].sort((left, right) => left.index - right.index);
  if (ordered.some((item, position) => item.index !== position)) {
    throw new GemmaRagError(
      errorCodes.engineFailure,
      `The server at ${client.baseUrl} returned embeddings with indices ${data.map((item) => item.index).join(', ')} for ${values.length} inputs.`,
      { data: { reason: 'wrong-count', expected: values.length, actual: data.length } },
    );
  }
  return ordered.map((item) => item.embedding);
}
