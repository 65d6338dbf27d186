import type { Embedder } from '../embedding/embedder.js';
import type { SearchableKnowledge } from '../spec/knowledge-store.js';
import type { StoredThresholds } from './stored-thresholds.js';

/** A knowledge base together with the embedder its vectors were made with: what retrieval searches. */
export class KnowledgeIndex<Knowledge extends SearchableKnowledge = SearchableKnowledge> {
  private thresholds: StoredThresholds | undefined;

  constructor(
    readonly embedder: Embedder,
    readonly knowledge: Knowledge,
    /** Thresholds calibrated for this knowledge base (`gemma-rag calibrate`), if any. */
    storedThresholds?: StoredThresholds | undefined,
    /**
     * Reads them again from the knowledge base. Given for persistent ones, so that a long-lived
     * process (`serve`) uses what another process calibrated since, without a restart.
     */
    private readonly readStoredThresholds?: () => Promise<StoredThresholds | undefined>,
  ) {
    this.thresholds = storedThresholds;
  }

  /** The calibrated thresholds as last read. */
  get storedThresholds(): StoredThresholds | undefined {
    return this.thresholds;
  }

  /** Re-reads the calibrated thresholds, if this index can (before each question). */
  async refreshStoredThresholds(): Promise<void> {
    if (this.readStoredThresholds) this.thresholds = await this.readStoredThresholds();
  }

  close(): Promise<void> {
    return this.knowledge.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
