import type { Embedder } from '../embedding/embedder.js';
import type { CategoryFallback } from '../retrieval/retrieve.js';
import { storedThresholdsKey } from '../retrieval/stored-thresholds.js';
import type { KnowledgeAdmin } from '../spec/knowledge-admin.js';
import type { EvalMode } from './answer-decision.js';

/**
 * What `calibrate` stores under the knowledge base's `thresholds` setting. `category` and
 * `document` at the top level are what `Rag.thresholdsFor` reads (src/retrieval/stored-thresholds.ts);
 * the rest records how they were chosen, so a later reader can tell whether they still apply.
 */
export interface CalibrationRecord {
  category: number;
  document: number;
  /** The chosen category fallback (two-stage), or null for the seed's single category. */
  categoryFallback: CategoryFallback | null;
  /** The retrieval mode the thresholds were calibrated for. */
  mode: EvalMode;
  /** The embedding the scores were measured with: thresholds mean nothing on another model's scale. */
  embedding: { engine: string; modelId: string; dimensions: number };
  labels: { answerable: number; unanswerable: number };
  f1Before: number | null;
  f1After: number;
  calibratedAt: string;
}

export function embeddingOf(embedder: Embedder): CalibrationRecord['embedding'] {
  return { engine: embedder.model.engine, modelId: embedder.model.modelId, dimensions: embedder.dimensions };
}

export function writeCalibration(
  store: Pick<KnowledgeAdmin, 'writeSetting'>,
  record: CalibrationRecord,
): Promise<void> {
  return store.writeSetting(storedThresholdsKey, JSON.stringify(record));
}
