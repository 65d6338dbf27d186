import type { Answer } from '../answer/answer-question.js';
import type { AnswerPromptId } from '../answer/grounded-prompt.js';
import type { CondensedQuestion } from '../conversation/condense-question.js';
import type { ConversationTurn } from '../conversation/conversation-history.js';
import type { EngineContext, EngineLoaders } from '../engines/registry.js';
import type { IngestFilesOptions } from '../ingest/ingest-files.js';
import type { WatchOptions } from '../ingest/watch-folders.js';
import type { RetrievalResult, SupportingSentence } from '../retrieval/retrieval-result.js';
import type { RouteRequest } from '../retrieval/route.js';
import type { GenerationUsage } from '../spec/language-model.js';
import type { Logger } from '../spec/logger.js';

// What the Rag verbs take and give (app/rag.ts), apart from the class so it stays readable.

export interface RagDependencies {
  logger?: Logger | undefined;
  confirmDownload?: EngineContext['confirmDownload'];
  onDownloadProgress?: EngineContext['onDownloadProgress'];
  onModelLoad?: EngineContext['onModelLoad'];
  environment?: EngineContext['environment'];
  /**
   * Run the engines in a child process, so a native abort (llama.cpp's GGML_ASSERT, out of
   * memory) ends that process, not this one: `serve` does. Default: in this process.
   */
  isolateEngines?: boolean | undefined;
  /** Where engines run, for tests that bring their own; overrides `isolateEngines`. */
  engines?: EngineLoaders | undefined;
  /**
   * Remember every vector the engine computes (by input string), so texts embedded again —
   * at another Matryoshka size through `resized()`, or by another route — cost nothing.
   * `true`: up to 200,000 vectors, for evaluation and benchmarks; `{ maxEntries }`: a smaller
   * bound (serve keeps the support gate's sentences and repeated questions this way).
   */
  cacheEmbeddings?: boolean | { maxEntries: number } | undefined;
}

/** How to search (route.ts: `mode`, `hybrid`, `categoryFallback`, …) and how to answer. */
export interface AskOptions extends RetrieveRequest {
  /** false: answer with the matching document itself instead of calling a language model. */
  generate?: boolean | undefined;
  /**
   * Earlier turns of the conversation, oldest first (at most 20). A follow-up is made into a
   * standalone question before retrieval: by the language model, or without one (`generate:
   * false`) by joining it to the previous question.
   */
  history?: readonly ConversationTurn[] | undefined;
  maxTokens?: number | undefined;
  /** 0 = greedy (default): grounded answers should not improvise. */
  temperature?: number | undefined;
  /** Which grounded prompt (answer/grounded-prompt.ts); default the one chosen from evidence. */
  prompt?: AnswerPromptId | undefined;
  /** Token counts of the answer's generation, from engines that report them (llama-cpp in-process). */
  onUsage?: ((usage: GenerationUsage) => void) | undefined;
  /**
   * Called once retrieval has decided, before any answer text: what was searched (the
   * follow-up's standalone form) and every stage's scores. Awaited, so an edge can show them
   * (`--explain`, the server's `retrieval` event) before the answer streams.
   */
  onRetrieval?: ((stages: { retrieval: RetrievalResult; condensed: CondensedQuestion | null }) => unknown) | undefined;
  /** Each piece of the answer as the language model writes it. */
  onText?: ((text: string) => void) | undefined;
  /**
   * The text streamed so far is no answer (its words came only from sentences far from the
   * question: answer/answer-question.ts); the model's second answer streams next.
   */
  onRetract?: ((setAside: SupportingSentence[]) => void) | undefined;
  abortSignal?: AbortSignal | undefined;
}

/** What `watch` follows and how each change is ingested (as `ingestFiles`, one path at a time). */
export type WatchRequest = Pick<WatchOptions, 'roots' | 'onChange' | 'onError' | 'debounceMilliseconds'> &
  Pick<IngestFilesOptions, 'load' | 'category' | 'tags' | 'chunking' | 'exclusive'>;

export type RetrieveRequest = RouteRequest & { abortSignal?: AbortSignal | undefined };

export interface AskResult extends Answer {
  /** The question as asked. */
  question: string;
  /** The follow-up's standalone form, which retrieval searched; null without history. */
  condensed: CondensedQuestion | null;
  retrieval: RetrievalResult;
}
