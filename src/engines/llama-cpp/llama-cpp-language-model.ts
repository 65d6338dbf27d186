import type { LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import { errorCodes, GemmaRagError, throwIfAborted } from '../../spec/errors.js';
import type { GenerateOptions, LanguageModel } from '../../spec/language-model.js';
import { pushStream } from '../../util/push-stream.js';
import { generationFailure } from '../generation-failure.js';
import { chatWrapperFor } from './chat-wrapper.js';
import { type GenerationModelFacts, generationModelFacts } from './generation-model-facts.js';
import { checkGenerationGguf, inspectGguf } from './gguf-inspection.js';
import { getLlamaRuntime, type LlamaRuntimeOptions, loadFailure, withLlamaLog } from './llama-runtime.js';
import { physicalCoreCount } from './physical-cores.js';

export interface LlamaCppLanguageModelOptions extends LlamaRuntimeOptions {
  modelPath: string;
  threads?: number | undefined;
  /** Context window in tokens. Default 8192: a grounded prompt is one document and a question. */
  contextSize?: number | undefined;
}

/** Gemma 3 and Gemma 4 instruction models in-process; see chat-wrapper.ts for their formats. */
export class LlamaCppLanguageModel implements LanguageModel {
  readonly engine = 'llama-cpp';
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly modelId: string,
    /** What the file says about itself: pretrained or instruction-tuned, chat template, context. */
    readonly facts: GenerationModelFacts,
    private readonly architecture: string,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    // One sequence, reused by every (serialized) prompt: acquiring a fresh one right after
    // disposing the last can fail with "No sequences left" while the release is pending.
    private readonly sequence: LlamaContextSequence,
  ) {}

  static async load(options: LlamaCppLanguageModelOptions): Promise<LlamaCppLanguageModel> {
    const summary = await inspectGguf(options.modelPath);
    checkGenerationGguf(summary);
    const llama = await getLlamaRuntime(options);
    try {
      const model = await withLlamaLog(() =>
        llama.loadModel({
          modelPath: options.modelPath,
          ...(options.onLoadProgress ? { onLoadProgress: options.onLoadProgress } : {}),
        }),
      );
      const context = await model.createContext({
        contextSize: Math.min(options.contextSize ?? 8192, model.trainContextSize),
        threads: options.threads ?? physicalCoreCount(),
      });
      return new LlamaCppLanguageModel(
        options.modelPath,
        generationModelFacts(options.modelPath, summary.metadata),
        summary.architecture,
        model,
        context,
        context.getSequence(),
      );
    } catch (error) {
      throw loadFailure(options.modelPath, error);
    }
  }

  generate(options: GenerateOptions): AsyncIterable<string> {
    return pushStream<string>(async (push) => {
      throwIfAborted(options.abortSignal);
      const run = this.queue.then(() => this.runPrompt(options, push));
      this.queue = run.catch(() => undefined);
      await run;
    });
  }

  private async runPrompt(options: GenerateOptions, push: (chunk: string) => void): Promise<void> {
    const { LlamaChatSession } = await import('node-llama-cpp');
    const system = options.messages.filter((message) => message.role === 'system').map((message) => message.content);
    const user = options.messages.filter((message) => message.role === 'user').map((message) => message.content);
    this.checkPromptFits([...system, ...user], options.maxTokens ?? 256);
    // Each question stands alone, yet the sequence is not cleared: node-llama-cpp keeps the
    // evaluated tokens the new prompt starts with (the template, the rules, the same documents
    // for a follow-up) and erases the rest, so no earlier question or answer stays in the
    // context (llama-cpp.test.ts), and the shared start is not evaluated again (bench/ttft.ts).
    const session = new LlamaChatSession({
      contextSequence: this.sequence,
      autoDisposeSequence: false,
      chatWrapper: await chatWrapperFor(this.architecture),
      ...(system.length > 0 ? { systemPrompt: system.join('\n\n') } : {}),
    });
    let completionTokens = 0;
    try {
      await session.prompt(user.join('\n\n'), {
        maxTokens: options.maxTokens ?? 256,
        temperature: options.temperature ?? 0,
        signal: options.abortSignal,
        onTextChunk: push,
        onToken: (tokens) => {
          completionTokens += tokens.length;
        },
      });
      const promptTokens = Math.max(0, this.sequence.contextTokens.length - completionTokens);
      options.onUsage?.({ promptTokens, completionTokens });
    } catch (error) {
      throw generationFailure(error, options.abortSignal);
    } finally {
      session.dispose({ disposeSequence: false });
    }
    throwIfAborted(options.abortSignal);
  }

  /**
   * node-llama-cpp would silently drop the start of a prompt that does not fit the context
   * (context shift) — for a grounded prompt, the rules or the documents. Refuse instead, naming
   * the sizes. The chat template adds a few tokens per turn; 32 covers Gemma 3 and Gemma 4.
   */
  private checkPromptFits(texts: readonly string[], maxTokens: number): void {
    const templateTokens = 32;
    const promptTokens = texts.reduce((sum, text) => sum + this.model.tokenize(text).length, templateTokens);
    const contextSize = this.context.contextSize;
    if (promptTokens + maxTokens > contextSize) {
      throw new GemmaRagError(
        errorCodes.inputTooLong,
        `The prompt is about ${promptTokens} tokens and the answer may take ${maxTokens}; the answering model's context holds ${contextSize}. Ask a shorter question, or use fewer or shorter context chunks.`,
        { data: { tokens: promptTokens + maxTokens, maxTokens: contextSize } },
      );
    }
  }

  /**
   * What the model's context held after the last answer — the rendered prompt, then the
   * answer — as token ids and as text with special tokens spelled out. For diagnostics, and
   * for tests that check how a prompt was tokenized (text in messages must never become
   * control tokens: node-llama-cpp tokenizes message text with special tokens off).
   */
  lastContext(): { tokens: readonly number[]; text: string } {
    const tokens = [...this.sequence.contextTokens];
    return { tokens, text: this.model.detokenize(tokens, true) };
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
