import type { Embedder } from '../embedding/embedder.js';
import type { SearchableKnowledge } from '../spec/knowledge-store.js';
import type { CalibrationRecord } from './calibration-record.js';

/** A knowledge base together with the embedder its vectors were made with: what retrieval searches. */
export class KnowledgeIndex<Knowledge extends SearchableKnowledge = SearchableKnowledge> {
  constructor(
    readonly embedder: Embedder,
    readonly knowledge: Knowledge,
    /** Thresholds calibrated for this knowledge base (`gemma-rag calibrate`), if any. */
    readonly calibration?: CalibrationRecord | undefined,
  ) {}

  close(): Promise<void> {
    return this.knowledge.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
