export interface ScoredCategory {
  name: string;
  score: number;
}

/** A document, scored by its best-matching chunk. */
export interface ScoredDocument {
  documentId: number;
  title: string;
  category: string;
  score: number;
}

/** A chunk handed to the language model as context, and cited in the answer. */
export interface ContextChunk {
  title: string;
  category: string;
  position: number;
  score: number;
  text: string;
}

/** Why retrieval found nothing to answer from, if it did not. */
export type RefusalReason = 'category-below-threshold' | 'document-below-threshold';

export interface RetrievalResult {
  mode: 'two-stage' | 'flat';
  /** Stage 1's choice (two-stage only); null when it fell below the threshold or in flat mode. */
  category: ScoredCategory | null;
  /** The document the answer is grounded on; null when retrieval refused. */
  document: ScoredDocument | null;
  /** The chosen document's matching chunks, in document order; empty on refusal. */
  context: ContextChunk[];
  /** Every score computed, best first, for --explain and JSON output. */
  scores: { categories: ScoredCategory[]; documents: ScoredDocument[] };
  thresholds: { category: number; document: number };
  refusal: RefusalReason | null;
}
