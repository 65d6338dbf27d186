/** A chat message. Engines map `system` onto their model's format (Gemma 3 has no system role). */
export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export interface GenerateOptions {
  messages: readonly ChatMessage[];
  /** Upper bound on generated tokens. Default: the engine's (256 for llama-cpp). */
  maxTokens?: number | undefined;
  /** 0 = greedy. Default 0: grounded answers should not improvise. */
  temperature?: number | undefined;
  abortSignal?: AbortSignal | undefined;
}

/**
 * An instruction-tuned model that answers. `generate` streams text chunks and ends at the
 * model's end of turn; aborting the signal stops generation and rejects with an ABORTED error.
 */
export interface LanguageModel {
  readonly engine: string;
  readonly modelId: string;
  generate(options: GenerateOptions): AsyncIterable<string>;
  dispose(): Promise<void>;
}
