/**
 * A cross-encoder reranker: reads a query and a passage together and says how relevant the
 * passage is. Slower than comparing vectors, so it only reorders what vector search found.
 */
export interface RankingModel {
  /** Engine id, e.g. `llama-cpp` or `openai-compatible`. */
  readonly engine: string;
  /** What was loaded: a file path or a server-side model name. */
  readonly modelId: string;
  /** How many passages one `rank` call may take; callers batch accordingly. */
  readonly maxDocumentsPerCall: number;

  /** One relevance score per passage, in passage order. */
  rank(input: RankOptions): Promise<RankResult>;
  dispose(): Promise<void>;
}

export interface RankOptions {
  query: string;
  documents: readonly string[];
  abortSignal?: AbortSignal | undefined;
}

export interface RankResult {
  /**
   * Relevance in [0, 1] (the probability that the passage answers the query, as the model's
   * classification head puts it), one per document in input order.
   */
  scores: number[];
}
