import { refuseInputsOverLimit } from '../../embedding/input-limit.js';
import type { CountTokensOptions, EmbeddingModel, EmbedOptions, EmbedResult } from '../../spec/embedding-model.js';
import { errorCodes, GemmaRagError, throwIfAborted } from '../../spec/errors.js';
import { parseBaseUrl } from '../http/base-url.js';
import { HttpClient, type HttpTransportOptions } from '../http/http-client.js';
import { checkBatchSize, toFloat32Vectors } from '../http/vectors.js';
import { countGemmaTokens } from '../llama-cpp/gemma3-vocabulary.js';
import { ollamaEmbedResponseSchema, ollamaShowResponseSchema, ollamaTagsResponseSchema } from './ollama-schemas.js';
import { defaultOllamaBaseUrl, defaultOllamaEmbeddingModel, ollamaAdvice } from './ollama-settings.js';

export interface OllamaEmbeddingOptions extends HttpTransportOptions {
  /** Server address. Default http://127.0.0.1:11434 (see `ollamaBaseUrlFromEnvironment` for OLLAMA_HOST). */
  baseUrl?: string | undefined;
  /** Ollama model name. Default `embeddinggemma`. */
  model?: string | undefined;
  /**
   * Ask Ollama (≥ 0.11.11) to truncate vectors to this size. Default: unset, native size;
   * the Embedder's own Matryoshka truncation gives the same result without server support.
   */
  dimensions?: number | undefined;
  /** How long Ollama keeps the model loaded after a call, e.g. `10m` or seconds. Default: Ollama's (5 min). */
  keepAlive?: string | number | undefined;
  /** Input limit in Gemma 3 tokens. Default 8192; the model profile's limit (2048 for EmbeddingGemma) applies on top. */
  maxInputTokens?: number | undefined;
  /** Inputs per request. Default 32. */
  maxEmbeddingsPerCall?: number | undefined;
}

const probeText = 'dimension probe';

/**
 * EmbeddingGemma served by Ollama (`/api/embed`). Ollama returns normalized vectors; the
 * Embedder normalizes again, which changes nothing but keeps every engine on one path.
 * Inputs are never truncated by the server (`truncate: false`): the Embedder enforces the
 * limit in Gemma tokens and an over-long input must fail, not lose its end silently.
 */
export class OllamaEmbeddingModel implements EmbeddingModel {
  readonly engine = 'ollama';
  readonly label = 'ollama';

  private constructor(
    private readonly client: HttpClient,
    readonly modelId: string,
    readonly fingerprint: string,
    readonly dimensions: number,
    readonly maxInputTokens: number,
    readonly maxEmbeddingsPerCall: number,
    /** Ollama's quantization label for the model, e.g. `Q8_0` or `F32`, when it says. */
    readonly quantization: string | undefined,
    private readonly requestExtras: { dimensions?: number; keep_alive?: string | number },
  ) {}

  /**
   * Connects and embeds one probe text to learn the vector size (and to fail now, with
   * advice, if the server is down or lacks the model); then reads the model's digest.
   */
  static async create(options: OllamaEmbeddingOptions = {}): Promise<OllamaEmbeddingModel> {
    const baseUrl = parseBaseUrl(options.baseUrl ?? defaultOllamaBaseUrl, 'The Ollama base URL');
    const model = options.model ?? defaultOllamaEmbeddingModel;
    const client = new HttpClient({
      baseUrl,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      advice: ollamaAdvice(baseUrl),
    });
    const requestExtras = {
      ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
      ...(options.keepAlive === undefined ? {} : { keep_alive: options.keepAlive }),
    };
    const probe = await requestEmbeddings(client, model, [probeText], requestExtras);
    const dimensions = probe[0]?.length ?? 0;
    if (dimensions === 0 || (options.dimensions !== undefined && dimensions !== options.dimensions)) {
      throw new GemmaRagError(
        errorCodes.engineFailure,
        options.dimensions === undefined
          ? `Ollama returned an empty embedding for "${model}". Is it an embedding model?`
          : `Ollama returned ${dimensions} dimensions where ${options.dimensions} were requested; Ollama ≥ 0.11.11 is needed for server-side dimensions. Update Ollama, or leave dimensions to gemma-rag (--dimensions truncates locally).`,
        { data: { expected: options.dimensions ?? null, actual: dimensions } },
      );
    }
    const [digest, details] = await Promise.all([findDigest(client, model), showModel(client, model)]);
    const suffix = options.dimensions === undefined ? '' : `/d${options.dimensions}`;
    return new OllamaEmbeddingModel(
      client,
      model,
      `${digest ?? `${baseUrl}|${model}`}${suffix}`,
      dimensions,
      options.maxInputTokens ?? 8192,
      options.maxEmbeddingsPerCall ?? 32,
      details?.details?.quantization_level,
      requestExtras,
    );
  }

  get baseUrl(): string {
    return this.client.baseUrl;
  }

  /** Gemma 3 tokens with `<bos>` and `<eos>`: Ollama has no tokenizer endpoint for embedding models. */
  async countTokens({ values, abortSignal }: CountTokensOptions): Promise<number[]> {
    throwIfAborted(abortSignal);
    return countGemmaTokens(values);
  }

  async embed({ values, abortSignal }: EmbedOptions): Promise<EmbedResult> {
    throwIfAborted(abortSignal);
    checkBatchSize(values.length, this.maxEmbeddingsPerCall, this.engine);
    if (values.length === 0) return { embeddings: [] };
    await refuseInputsOverLimit(values, this.maxInputTokens, countGemmaTokens, { who: `Ollama (${this.modelId})` });
    const embeddings = await requestEmbeddings(this.client, this.modelId, values, this.requestExtras, abortSignal);
    return { embeddings: toFloat32Vectors(embeddings, values.length, this.dimensions, `Ollama (${this.modelId})`) };
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
  extras: { dimensions?: number; keep_alive?: string | number },
  abortSignal?: AbortSignal,
): Promise<number[][]> {
  const response = await client.json(
    'POST',
    '/api/embed',
    { model, input: values, truncate: false, ...extras },
    ollamaEmbedResponseSchema,
    { abortSignal, model },
  );
  return response.embeddings;
}

/** The model's manifest digest from `/api/tags`, which identifies the weights; undefined if unavailable. */
async function findDigest(client: HttpClient, model: string): Promise<string | undefined> {
  try {
    const { models } = await client.json('GET', '/api/tags', undefined, ollamaTagsResponseSchema);
    const names = new Set([model, model.includes(':') ? model : `${model}:latest`]);
    const entry = models.find((candidate) => names.has(candidate.name) || names.has(candidate.model ?? ''));
    return entry?.digest ? `ollama:${entry.digest}` : undefined;
  } catch {
    // The digest is a refinement: without it, the fingerprint falls back to URL and name.
    return undefined;
  }
}

async function showModel(client: HttpClient, model: string) {
  try {
    return await client.json('POST', '/api/show', { model }, ollamaShowResponseSchema, { model });
  } catch {
    return undefined;
  }
}
