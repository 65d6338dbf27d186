import { errorCodes, GemmaRagError, throwIfAborted } from '../../spec/errors.js';
import type { GenerateOptions, LanguageModel } from '../../spec/language-model.js';
import { parseWithCode } from '../../util/validation.js';
import { parseBaseUrl } from '../http/base-url.js';
import { HttpClient, type HttpTransportOptions } from '../http/http-client.js';
import { parseNdjson } from '../http/ndjson.js';
import { ollamaChatChunkSchema } from './ollama-schemas.js';
import { defaultOllamaBaseUrl, defaultOllamaLanguageModel, ollamaAdvice } from './ollama-settings.js';

export interface OllamaLanguageModelOptions extends HttpTransportOptions {
  /** Server address. Default http://127.0.0.1:11434. */
  baseUrl?: string | undefined;
  /** Ollama model name. Default `gemma3:4b`. */
  model?: string | undefined;
  /**
   * Context window (`num_ctx`) in tokens. Default 8192, like the llama-cpp engine: Ollama's
   * own default is smaller and it silently drops the start of longer prompts.
   */
  contextSize?: number | undefined;
  /** How long Ollama keeps the model loaded after a call, e.g. `10m`. Default: Ollama's. */
  keepAlive?: string | number | undefined;
}

/**
 * Gemma served by Ollama (`/api/chat`, streamed as NDJSON). System messages are sent with
 * the `system` role: Ollama's Gemma templates fold them into the first user turn, as Gemma 3
 * has no system role. Errors before the first chunk map like every HTTP failure; errors
 * Ollama reports mid-stream become ENGINE_FAILURE.
 */
export class OllamaLanguageModel implements LanguageModel {
  readonly engine = 'ollama';
  readonly modelId: string;
  private readonly client: HttpClient;

  constructor(private readonly options: OllamaLanguageModelOptions = {}) {
    const baseUrl = parseBaseUrl(options.baseUrl ?? defaultOllamaBaseUrl, 'The Ollama base URL');
    this.modelId = options.model ?? defaultOllamaLanguageModel;
    this.client = new HttpClient({
      baseUrl,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      advice: ollamaAdvice(baseUrl),
    });
  }

  async *generate(options: GenerateOptions): AsyncGenerator<string> {
    throwIfAborted(options.abortSignal);
    const body = {
      model: this.modelId,
      messages: options.messages.map(({ role, content }) => ({ role, content })),
      stream: true,
      options: {
        num_predict: options.maxTokens ?? 256,
        temperature: options.temperature ?? 0,
        num_ctx: this.options.contextSize ?? 8192,
      },
      ...(this.options.keepAlive === undefined ? {} : { keep_alive: this.options.keepAlive }),
    };
    const source = `Ollama (${this.modelId})`;
    const lines = this.client.lines('/api/chat', body, { abortSignal: options.abortSignal, model: this.modelId });
    for await (const value of parseNdjson(lines, source)) {
      const chunk = parseWithCode(ollamaChatChunkSchema, value, `chunk from ${source}`, errorCodes.engineFailure);
      if ('error' in chunk) {
        throw new GemmaRagError(errorCodes.engineFailure, `${source} failed while answering: ${chunk.error}`, {
          data: { reason: 'stream-error', serverMessage: chunk.error },
        });
      }
      const text = chunk.message?.content;
      if (text) {
        yield text;
        // The consumer may have aborted while holding the chunk: stop before reading more.
        throwIfAborted(options.abortSignal);
      }
      if (chunk.done) return;
    }
    throwIfAborted(options.abortSignal);
    throw new GemmaRagError(errorCodes.engineFailure, `${source} ended the answer stream without finishing it.`, {
      data: { reason: 'incomplete-stream' },
    });
  }

  async dispose(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
