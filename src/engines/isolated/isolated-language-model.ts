import { z } from 'zod';
import { throwIfAborted } from '../../spec/errors.js';
import type { GenerateOptions, LanguageModel } from '../../spec/language-model.js';
import { pushStream } from '../../util/push-stream.js';
import type { EngineProcess } from './engine-process.js';

/** Token counts as the engine process reports them (null from engines that do not count). */
const generationUsageSchema = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
});

/**
 * The language model of an engine process. Loaded there on first use, and again in a
 * process started after a crash; chunks stream over IPC, aborts travel the other way, and the
 * token counts come back as the request's result.
 */
export class IsolatedLanguageModel implements LanguageModel {
  private loadedIn = 0;

  constructor(
    private readonly engineProcess: EngineProcess,
    readonly engine: string,
    readonly modelId: string,
  ) {
    engineProcess.acquire();
    this.loadedIn = engineProcess.generation;
  }

  async *generate(options: GenerateOptions): AsyncGenerator<string> {
    throwIfAborted(options.abortSignal);
    const chunks = pushStream<string>(async (push) => {
      if (this.loadedIn !== this.engineProcess.generation) {
        await this.engineProcess.request({ type: 'load-language-model' }, { abortSignal: options.abortSignal });
        this.loadedIn = this.engineProcess.generation;
      }
      const usage = await this.engineProcess.request<unknown>(
        {
          type: 'generate',
          messages: options.messages,
          maxTokens: options.maxTokens,
          temperature: options.temperature,
        },
        { abortSignal: options.abortSignal, onChunk: push },
      );
      const counted = generationUsageSchema.safeParse(usage);
      if (counted.success) options.onUsage?.(counted.data);
    });
    for await (const chunk of chunks) {
      yield chunk;
      // The consumer may have aborted while holding the chunk: no more may arrive.
      throwIfAborted(options.abortSignal);
    }
  }

  dispose(): Promise<void> {
    return this.engineProcess.release();
  }
}
