import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import { throwIfAborted } from '../../spec/errors.js';
import type { ChatMessage, GenerateOptions, LanguageModel } from '../../spec/language-model.js';
import { defuseControlTokens } from '../../text/control-tokens.js';
import { pushStream } from '../../util/push-stream.js';
import { generationFailure } from '../generation-failure.js';
import {
  type LoadingStep,
  loadingError,
  type ModelSourceOptions,
  parseTransformersDtype,
  resolveModelSource,
} from './model-source.js';
import { progressReporter } from './transformers-embedding-model.js';
import {
  loadTransformers,
  sessionOptions,
  type TransformersLoadOptions,
  type TransformersModule,
} from './transformers-runtime.js';

export const defaultTransformersLanguageModel = 'onnx-community/gemma-3-1b-it-ONNX';

/**
 * Defaults: model `onnx-community/gemma-3-1b-it-ONNX` (Gemma 4: `onnx-community/gemma-4-E2B-it-ONNX`),
 * dtype `q4`, what the model cards use in Node.
 */
export type TransformersLanguageModelOptions = TransformersLoadOptions;

/** End-of-turn markers of the Gemma chat formats, stopped on besides the model's own eos ids. */
const endOfTurnTokens = ['<end_of_turn>', '<turn|>', '<eos>'];

/**
 * Gemma 3 and Gemma 4 instruction models in-process through transformers.js. The prompt is
 * the tokenizer's own chat template: Gemma 3's folds the system message into the first user
 * turn (no system role); Gemma 4's has a system role, and thinking stays off. Loaded with
 * AutoModelForCausalLM, so Gemma 4's vision and audio encoders are not loaded.
 */
export class TransformersLanguageModel implements LanguageModel {
  readonly engine = 'transformers';
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly modelId: string,
    private readonly transformers: TransformersModule,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
    private readonly stopTokenIds: number[],
    /** The tokenizer's special tokens (`<start_of_turn>`, …), as text. */
    private readonly controlTokens: readonly string[],
  ) {}

  static async load(options: TransformersLanguageModelOptions = {}): Promise<TransformersLanguageModel> {
    const dtype = parseTransformersDtype(options.dtype ?? 'q4');
    const model = options.model ?? defaultTransformersLanguageModel;
    const sourceOptions: ModelSourceOptions = {
      model,
      dtype,
      role: 'generation',
      cacheDir: options.cacheDir,
      localFilesOnly: options.localFilesOnly,
      allowDownload: options.allowDownload,
      environment: options.environment,
      // Gemma 4 (and other multimodal exports) keep the text decoder in decoder_model_merged*.onnx.
      fileStem: /gemma-?4/i.test(model) ? 'decoder_model_merged' : 'model',
    };
    const source = await resolveModelSource(sourceOptions);
    const transformers = await loadTransformers(options.importTransformers);
    const common = {
      local_files_only: source.localFilesOnly,
      ...(source.cacheDir ? { cache_dir: source.cacheDir } : {}),
      ...(options.onProgress ? { progress_callback: progressReporter(options.onProgress) } : {}),
    };
    let step: LoadingStep = 'tokenizer';
    try {
      const tokenizer = await transformers.AutoTokenizer.from_pretrained(source.pathOrRepository, common);
      step = 'weights';
      const loaded = await transformers.AutoModelForCausalLM.from_pretrained(source.pathOrRepository, {
        ...common,
        dtype,
        device: 'cpu',
        session_options: sessionOptions(options.threads),
      });
      const vocabulary = tokenizer.get_vocab();
      const stopTokenIds = endOfTurnTokens.flatMap((token) => {
        const id = vocabulary.get(token);
        return id === undefined ? [] : [id];
      });
      const controlTokens = [...tokenizer._tokenizer.get_added_tokens_decoder().values()]
        .filter((token) => token.special)
        .map((token) => token.content);
      return new TransformersLanguageModel(
        `${source.repository ?? source.folder} (${dtype})`,
        transformers,
        tokenizer,
        loaded,
        stopTokenIds,
        controlTokens,
      );
    } catch (error) {
      throw loadingError(error, source, sourceOptions, step);
    }
  }

  async *generate(options: GenerateOptions): AsyncGenerator<string> {
    throwIfAborted(options.abortSignal);
    const interrupt = new this.transformers.InterruptableStoppingCriteria();
    const onAbort = () => interrupt.interrupt();
    options.abortSignal?.addEventListener('abort', onAbort, { once: true });
    try {
      const chunks = pushStream<string>(async (push) => {
        const run = this.queue.then(() => this.run(options, interrupt, push));
        this.queue = run.catch(() => undefined);
        await run;
      });
      for await (const chunk of chunks) {
        yield chunk;
        // The consumer may have aborted while holding the chunk: no more may arrive.
        throwIfAborted(options.abortSignal);
      }
      throwIfAborted(options.abortSignal);
    } finally {
      // Also stops generating when the consumer stops reading early.
      interrupt.interrupt();
      options.abortSignal?.removeEventListener('abort', onAbort);
    }
  }

  private async run(
    options: GenerateOptions,
    interrupt: InstanceType<TransformersModule['InterruptableStoppingCriteria']>,
    push: (chunk: string) => void,
  ): Promise<void> {
    throwIfAborted(options.abortSignal);
    const temperature = options.temperature ?? 0;
    try {
      const inputs = this.promptInputs(options.messages);
      const streamer = new this.transformers.TextStreamer(this.tokenizer, {
        skip_prompt: true,
        skip_special_tokens: true,
        callback_function: (text: string) => {
          if (text.length > 0 && !options.abortSignal?.aborted) push(text);
        },
      });
      const generationConfig = this.model.generation_config as { eos_token_id?: number | number[] | null } | null;
      const modelStops = generationConfig?.eos_token_id ?? [];
      await this.model.generate({
        ...inputs,
        max_new_tokens: options.maxTokens ?? 256,
        // temperature 0 = greedy; transformers.js samples only with do_sample.
        do_sample: temperature > 0,
        ...(temperature > 0 ? { temperature } : {}),
        eos_token_id: [...new Set([...(Array.isArray(modelStops) ? modelStops : [modelStops]), ...this.stopTokenIds])],
        streamer,
        stopping_criteria: [interrupt],
      } as Parameters<PreTrainedModel['generate']>[0]);
    } catch (error) {
      throw generationFailure(error, options.abortSignal);
    }
    throwIfAborted(options.abortSignal);
  }

  /**
   * The prompt as the model sees it: the tokenizer's chat template over the messages, with
   * every special token of the tokenizer defused in the message text first. The template is
   * rendered to text and tokenized with special tokens parsed, so a document's (or a
   * question's) `<end_of_turn>` would otherwise become a real end of turn.
   */
  promptInputs(messages: readonly ChatMessage[]): { input_ids: Tensor; attention_mask: Tensor } {
    const safe = chatMessages(messages).map((message) => ({
      ...message,
      content: defuseControlTokens(message.content, this.controlTokens),
    }));
    const templateOptions = {
      add_generation_prompt: true,
      tokenize: true,
      return_dict: true,
      // A template variable of Gemma 4's: answer directly, no thinking aloud before a grounded answer.
      enable_thinking: false,
    } as const;
    return this.tokenizer.apply_chat_template(safe, templateOptions) as unknown as {
      input_ids: Tensor;
      attention_mask: Tensor;
    };
  }

  async dispose(): Promise<void> {
    await this.queue;
    await this.model.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** One system message at most, first, then one user turn: what every Gemma template accepts. */
function chatMessages(messages: readonly ChatMessage[]): { role: string; content: string }[] {
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
  const user = messages.filter((message) => message.role === 'user').map((message) => message.content);
  return [
    ...(system.length > 0 ? [{ role: 'system', content: system.join('\n\n') }] : []),
    { role: 'user', content: user.join('\n\n') },
  ];
}
