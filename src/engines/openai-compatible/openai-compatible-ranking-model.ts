import { errorCodes, GemmaRagError, throwIfAborted } from '../../spec/errors.js';
import type { RankingModel, RankOptions, RankResult } from '../../spec/ranking-model.js';
import type { HttpClient, HttpTransportOptions } from '../http/http-client.js';
import { rerankResponseSchema } from './openai-compatible-schemas.js';
import { openAiCompatibleClient } from './openai-compatible-settings.js';
import { resolveServedModel } from './served-model.js';

export interface OpenAiCompatibleRankingOptions extends HttpTransportOptions {
  /** Server address, with or without `/v1`. Default http://127.0.0.1:8080 (llama-server). */
  baseUrl?: string | undefined;
  /** Model name to send. Default: the server's only model. */
  model?: string | undefined;
  apiKey?: string | undefined;
  /**
   * What the server's `relevance_score` is. `logits` (default): the classification head's raw
   * output, as llama-server returns it for bge-style rerankers; a sigmoid turns it into the
   * probability node-llama-cpp gives for the same GGUF. `probabilities`: already in [0, 1]
   * (llama-server with a Qwen3 reranker, Jina, Cohere).
   */
  scores?: 'logits' | 'probabilities' | undefined;
  /** Passages per request. Default 32. */
  maxDocumentsPerCall?: number | undefined;
}

/** A reranker behind `/v1/rerank`: llama.cpp's `llama-server --rerank`, vLLM, TEI-compatible servers. */
export class OpenAiCompatibleRankingModel implements RankingModel {
  readonly engine = 'openai-compatible';

  private constructor(
    private readonly client: HttpClient,
    readonly modelId: string,
    readonly maxDocumentsPerCall: number,
    private readonly scores: 'logits' | 'probabilities',
  ) {}

  static async create(options: OpenAiCompatibleRankingOptions = {}): Promise<OpenAiCompatibleRankingModel> {
    const client = openAiCompatibleClient(options);
    const model = await resolveServedModel(client, options.model);
    return new OpenAiCompatibleRankingModel(
      client,
      model,
      options.maxDocumentsPerCall ?? 32,
      options.scores ?? 'logits',
    );
  }

  async rank({ query, documents, abortSignal }: RankOptions): Promise<RankResult> {
    throwIfAborted(abortSignal);
    if (documents.length === 0) return { scores: [] };
    const { results } = await this.client.json(
      'POST',
      '/rerank',
      { model: this.modelId, query, documents, top_n: documents.length },
      rerankResponseSchema,
      { abortSignal, model: this.modelId },
    );
    const scores: Array<number | undefined> = new Array(documents.length).fill(undefined);
    for (const { index, relevance_score: score } of results) {
      if (index < documents.length && Number.isFinite(score)) scores[index] = score;
    }
    if (results.length !== documents.length || scores.some((score) => score === undefined)) {
      throw new GemmaRagError(
        errorCodes.engineFailure,
        `The server at ${this.client.baseUrl} (${this.modelId}) returned ${results.length} rerank scores for ${documents.length} passages, or scores that are not numbers.`,
        { data: { reason: 'wrong-count', expected: documents.length, actual: results.length } },
      );
    }
    const finite = scores as number[];
    return { scores: this.scores === 'logits' ? finite.map(sigmoid) : finite.map(clampToUnit) };
  }

  async dispose(): Promise<void> {}
}

function sigmoid(logit: number): number {
  return 1 / (1 + Math.exp(-logit));
}

function clampToUnit(score: number): number {
  return Math.min(1, Math.max(0, score));
}
