import type { SourceLocation } from '../spec/source-location.js';
import type { RefusalReason } from './refusal-gate.js';
import type { Route, RouteName } from './route.js';

export interface ScoredCategory {
  name: string;
  /** Cosine similarity to the question (Classification prompt); the threshold applies to this. */
  score: number;
  /** BM25 over the category's name and description, in hybrid mode when it matched. */
  keywordScore?: number | undefined;
}

/** A document, scored by its best-matching chunk. */
export interface ScoredDocument {
  documentId: number;
  title: string;
  category: string;
  /** Cosine similarity of the document's best chunk; thresholds apply to this. */
  score: number;
  /** Best BM25 score of its chunks, when keyword search took part and matched. */
  keywordScore?: number | undefined;
  /** The reranker's best score for its chunks, in [0, 1], when it read any of them. */
  rerankScore?: number | undefined;
}

/** A chunk handed to the language model as context, and cited in the answer. */
export interface ContextChunk {
  title: string;
  category: string;
  position: number;
  score: number;
  text: string;
  /** The document's source: its file path (`path#part` for records and sheets). */
  source: string;
  /** Where in the file the chunk came from, when the format and the stored chunk say. */
  location?: SourceLocation | undefined;
  /** The reranker's score, when it read this chunk. */
  rerankScore?: number | undefined;
}

/** A sentence of a document, and its cosine with the question (Retrieval prompts). */
export interface SupportingSentence {
  title: string;
  sentence: string;
  score: number;
}

/** The reranking stage as it ran. */
export interface RerankReport {
  engine: string;
  model: string;
  /** Chunks it may read (`--rerank-top`) and its floor (`--rerank-threshold`). */
  top: number;
  threshold: number;
  /** Chunks it read: those that passed the embedding gate, at most `top`. */
  candidates: number;
}

export type { RefusalReason } from './refusal-gate.js';

export interface RetrievalResult {
  /** The route that ran (route.ts). */
  route: RouteName;
  /** Whether stage 1 ran (`two-stage`) or documents were searched directly (`flat`). */
  stages: Route['stages'];
  /** Whether keyword (BM25) results were fused with vector results by reciprocal rank. */
  hybrid: boolean;
  /** Categories whose documents stage 2 searched (more than one when the category fallback applied). */
  searchedCategories: string[];
  /** Stage 1's choice (two-stage only); null when it fell below the threshold or in flat mode. */
  category: ScoredCategory | null;
  /** The document the answer is grounded on; null when retrieval refused. */
  document: ScoredDocument | null;
  /** The chosen document's matching chunks, in document order; empty on refusal. */
  context: ContextChunk[];
  /** Every score computed, best first, for --explain and JSON output. */
  scores: { categories: ScoredCategory[]; documents: ScoredDocument[] };
  /** `support`: the support gate's threshold; `source`: the answer's source check's floor; null when off. */
  thresholds: {
    category: number;
    document: number;
    support?: number | null | undefined;
    source?: number | null | undefined;
  };
  /**
   * The sentence of the chosen document's context closest to the question, when the support
   * gate ran; on a `no-supporting-sentence` refusal, the best one of the document it refused.
   */
  support?: SupportingSentence | null | undefined;
  /**
   * Every sentence of the context the support gate scored, in reading order, when it ran and
   * the question was answered: the answer's source check (answer/answer-sources.ts) reads them.
   */
  sentences?: SupportingSentence[] | undefined;
  /** The reranking stage, when a reranker is configured. */
  rerank: RerankReport | null;
  refusal: RefusalReason | null;
}
