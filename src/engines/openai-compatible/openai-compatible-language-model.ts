import { errorCodes, GemmaRagError, throwIfAborted } from '../../spec/errors.js';
import type { GenerateOptions, LanguageModel } from '../../spec/language-model.js';
import { parseWithCode } from '../../util/validation.js';
import type { HttpClient, HttpTransportOptions } from '../http/http-client.js';
import { parseJsonLine } from '../http/ndjson.js';
import { parseServerSentEvents } from '../http/server-sent-events.js';
import { chatChunkSchema } from './openai-compatible-schemas.js';
import { openAiCompatibleClient } from './openai-compatible-settings.js';
import { resolveServedModel } from './served-model.js';

export interface OpenAiCompatibleLanguageModelOptions extends HttpTransportOptions {
  /** Server address, with or without `/v1`. Default http://127.0.0.1:8080 (llama.cpp's llama-server). */
  baseUrl?: string | undefined;
  /** Model name to send. Default: the server's only model (GET /v1/models). */
  model?: string | undefined;
  /** Sent as `Authorization: Bearer …`. Default none. */
  apiKey?: string | undefined;
}

/**
 * A chat model behind OpenAI's `/v1/chat/completions`, streamed as server-sent events.
 * System messages keep the `system` role; the server's chat template maps it (Gemma 3
 * templates prepend it to the first user turn).
 */
export class OpenAiCompatibleLanguageModel implements LanguageModel {
  readonly engine = 'openai-compatible';

  private constructor(
    private readonly client: HttpClient,
    readonly modelId: string,
  ) {}

  static async create(options: OpenAiCompatibleLanguageModelOptions = {}): Promise<OpenAiCompatibleLanguageModel> {
    const client = openAiCompatibleClient(options);
    return new OpenAiCompatibleLanguageModel(client, await resolveServedModel(client, options.model));
  }

  async *generate(options: GenerateOptions): AsyncGenerator<string> {
    throwIfAborted(options.abortSignal);
    const body = {
      model: this.modelId,
      messages: options.messages.map(({ role, content }) => ({ role, content })),
      stream: true,
      max_tokens: options.maxTokens ?? 256,
      temperature: options.temperature ?? 0,
    };
    const source = `${this.client.baseUrl} (${this.modelId})`;
    const lines = this.client.lines('/chat/completions', body, {
      abortSignal: options.abortSignal,
      model: this.modelId,
    });
    let finished = false;
    for await (const event of parseServerSentEvents(lines)) {
      if (event.data === '[DONE]') return;
      const chunk = parseWithCode(
        chatChunkSchema,
        parseJsonLine(event.data, source),
        `chunk from ${source}`,
        errorCodes.engineFailure,
      );
      if ('error' in chunk) {
        const message = typeof chunk.error === 'string' ? chunk.error : chunk.error.message;
        throw new GemmaRagError(errorCodes.engineFailure, `${source} failed while answering: ${message}`, {
          data: { reason: 'stream-error', serverMessage: message },
        });
      }
      for (const choice of chunk.choices) {
        if (choice.finish_reason) finished = true;
        const text = choice.delta?.content;
        if (text) {
          yield text;
          // The consumer may have aborted while holding the chunk: stop before reading more.
          throwIfAborted(options.abortSignal);
        }
      }
    }
    throwIfAborted(options.abortSignal);
    // Some servers close right after the last choice without `[DONE]`; that is a complete answer.
    if (!finished) {
      throw new GemmaRagError(errorCodes.engineFailure, `${source} ended the answer stream without finishing it.`, {
        data: { reason: 'incomplete-stream' },
      });
    }
  }

  async dispose(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
