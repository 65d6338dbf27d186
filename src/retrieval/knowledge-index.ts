import type { Embedder } from '../embedding/embedder.js';
import type { SearchableKnowledge } from '../spec/knowledge-store.js';
import type { CalibrationRecord } from './calibration-record.js';

/** A knowledge base together with the embedder its vectors were made with: what retrieval searches. */
export class KnowledgeIndex<Knowledge extends SearchableKnowledge = SearchableKnowledge> {
  private stored: CalibrationRecord | undefined;

  constructor(
    readonly embedder: Embedder,
    readonly knowledge: Knowledge,
    /** Thresholds calibrated for this knowledge base (`gemma-rag calibrate`), if any. */
    calibration?: CalibrationRecord | undefined,
    /**
     * Reads the calibration again from the knowledge base. Given for persistent ones, so that a
     * long-lived process (`serve`) uses what another process calibrated since, without a restart.
     */
    private readonly readCalibration?: () => Promise<CalibrationRecord | undefined>,
  ) {
    this.stored = calibration;
  }

  /** The calibration as last read. */
  get calibration(): CalibrationRecord | undefined {
    return this.stored;
  }

  /** Re-reads the calibration, if this index can (before each question). */
  async refreshCalibration(): Promise<void> {
    if (this.readCalibration) this.stored = await this.readCalibration();
  }

  close(): Promise<void> {
    return this.knowledge.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
