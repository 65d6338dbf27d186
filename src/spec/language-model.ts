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
  /**
   * Called once after generation with the token counts, by engines that know them (llama-cpp
   * in-process); others never call it. For evaluation (prompt size, tokens per second).
   */
  onUsage?: ((usage: GenerationUsage) => void) | undefined;
}

/** How many tokens a generation read and wrote. */
export interface GenerationUsage {
  /** The rendered prompt: chat template, system and user turns. */
  promptTokens: number;
  /** Tokens the model generated (its end-of-turn token included when it stopped on one). */
  completionTokens: number;
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
