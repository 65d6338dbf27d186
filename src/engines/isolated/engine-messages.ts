import type { RagConfig } from '../../config.js';
import type { EmbeddingModelInfo } from '../../spec/embedding-model.js';
import type { ErrorCode } from '../../spec/errors.js';
import type { ChatMessage } from '../../spec/language-model.js';
import type { ModelLoadProgress } from '../../spec/model-load-progress.js';

/**
 * What the server process and its engine process say to each other over Node's IPC channel
 * (structured clone, so Float32Arrays cross as they are). Ids pair answers with requests.
 */
export type ToEngine =
  | { type: 'load'; config: RagConfig }
  | { type: 'embed'; id: number; values: readonly string[] }
  | { type: 'count-tokens'; id: number; values: readonly string[] }
  | { type: 'load-language-model'; id: number }
  | { type: 'load-ranking-model'; id: number }
  | { type: 'rank'; id: number; query: string; documents: readonly string[] }
  | {
      type: 'generate';
      id: number;
      messages: readonly ChatMessage[];
      maxTokens: number | undefined;
      temperature: number | undefined;
    }
  | { type: 'abort'; id: number }
  | { type: 'confirmed'; id: number; allowed: boolean }
  | { type: 'dispose' };

/** The embedding model's metadata, sent once it is loaded. */
export interface EmbeddingModelDescription extends EmbeddingModelInfo {
  /** Id of the model profile the model implies, if it can tell. */
  detectedProfile: string | undefined;
}

/** The reranker's metadata, sent once it is loaded. */
export interface RankingModelDescription {
  engine: string;
  modelId: string;
  maxDocumentsPerCall: number;
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  data: Readonly<Record<string, unknown>>;
}

export type FromEngine =
  | { type: 'loaded'; embedding: EmbeddingModelDescription }
  | { type: 'load-failed'; error: SerializedError }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: SerializedError }
  | { type: 'chunk'; id: number; text: string }
  | { type: 'log'; level: 'warn' | 'info'; message: string }
  | { type: 'download-progress'; downloadedBytes: number; totalBytes: number }
  | ({ type: 'model-load' } & ModelLoadProgress)
  | { type: 'confirm'; id: number; uri: string };

/**
 * Makes the engine process abort the way llama.cpp does on a failed assertion, when an input
 * contains this environment variable's value. Read only by the engine process (engine-host.ts),
 * for tests that crash the engine on purpose; it means nothing to the server process.
 */
export const crashHookVariable = 'GEMMA_RAG_TEST_ENGINE_ABORT_ON';
