import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import type { HttpClient, HttpTransportOptions } from '../http/http-client.js';
import { HttpEmbeddingModel, probeDimensions, type RequestEmbeddings } from '../http/http-embedding-model.js';
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

/**
 * An embedding model behind any server speaking OpenAI's `/v1/embeddings`: llama.cpp's
 * llama-server, vLLM, Text Embeddings Inference, LM Studio, Ollama's /v1, OpenAI. Whether
 * the server normalizes or not, the Embedder normalizes.
 */
export class OpenAiCompatibleEmbeddingModel extends HttpEmbeddingModel {
  readonly engine = 'openai-compatible';
  readonly label = 'openai-compatible';

  /** Resolves the model name and embeds one probe text to learn the vector size (failing early, with advice). */
  static async create(options: OpenAiCompatibleEmbeddingOptions = {}): Promise<OpenAiCompatibleEmbeddingModel> {
    const apiRoot = openAiApiRoot(options.baseUrl ?? defaultOpenAiCompatibleBaseUrl);
    const client = openAiCompatibleClient(options);
    const model = await resolveServedModel(client, options.model);
    const request: RequestEmbeddings = (values, abortSignal) =>
      requestEmbeddings(client, model, values, options.dimensions, abortSignal);
    const dimensions = await probeDimensions(request, options.dimensions, {
      empty: `The server at ${apiRoot} returned an empty embedding for "${model}".`,
      ignored: (actual) =>
        `The server at ${apiRoot} returned ${actual} dimensions where ${options.dimensions} were requested: it ignores \`dimensions\`. Drop the server-side dimensions option and let gemma-rag truncate (--dimensions).`,
    });
    const suffix = options.dimensions === undefined ? '' : `/d${options.dimensions}`;
    return new OpenAiCompatibleEmbeddingModel({
      client,
      modelId: model,
      // These servers publish no weight digest: the address and name are the best identity.
      fingerprint: `${apiRoot}|${model}${suffix}`,
      dimensions,
      maxInputTokens: options.maxInputTokens ?? 8192,
      maxEmbeddingsPerCall: options.maxEmbeddingsPerCall ?? 32,
      who: `The server at ${client.baseUrl} (${model})`,
      request,
    });
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
