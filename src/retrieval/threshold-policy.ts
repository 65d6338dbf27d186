import type { Embedder } from '../embedding/embedder.js';
import { defaultSourceFloor, defaultSupportThreshold, defaultThresholdsFor } from '../embedding/model-profiles.js';
import { type CalibrationRecord, calibrationApplies } from './calibration-record.js';
import type { KnowledgeIndex } from './knowledge-index.js';
import type { CategoryFallback, Thresholds } from './refusal-gate.js';
import type { CalibrationKey, Route } from './route.js';

/** Thresholds given in the configuration; `support: null` turns the support gate off. */
export type ExplicitThresholds = Partial<Thresholds> & { support?: number | null | undefined };

/**
 * Which thresholds a question is judged by, in one place: thresholds given in the
 * configuration, else those calibrated into the knowledge base for this model, size and route,
 * else the engine's own (the lexical stand-in's score scale), else the profile's per stages
 * and size.
 */
export class ThresholdPolicy {
  constructor(
    private readonly embedder: Embedder,
    /** Given in the configuration; each overrides calibrated and default ones. */
    private readonly explicit: ExplicitThresholds,
    /** The engine's own thresholds for every route, when its scores live on another scale. */
    private readonly engineDefaults: Thresholds | undefined,
  ) {}

  /** The stored calibration, when it was made for this model, size and route. */
  calibrationFor(index: KnowledgeIndex, key: CalibrationKey): CalibrationRecord | undefined {
    const { model, dimensions } = this.embedder;
    const run = { engine: model.engine, modelId: model.modelId, dimensions, route: key };
    return calibrationApplies(index.calibration, run) ? index.calibration : undefined;
  }

  /** The thresholds a route uses when none are given or calibrated. */
  defaults(stages: Route['stages']): Thresholds {
    return this.engineDefaults ?? defaultThresholdsFor(this.embedder.profile, stages, this.embedder.dimensions);
  }

  /** The thresholds in force for this knowledge base and route. */
  thresholdsFor(index: KnowledgeIndex, route: Pick<Route, 'stages' | 'calibrationKey'>): Thresholds {
    const stored = this.calibrationFor(index, route.calibrationKey);
    const defaults = this.defaults(route.stages);
    return {
      category: this.explicit.category ?? stored?.category ?? defaults.category,
      document: this.explicit.document ?? stored?.document ?? defaults.document,
    };
  }

  /**
   * The support gate's threshold: given, else the profile's at this size; off (null) for an
   * engine with its own score scale, whose sentence scores were never measured.
   */
  supportThreshold(): number | null {
    if (this.explicit.support !== undefined) return this.explicit.support;
    if (this.engineDefaults) return null;
    return defaultSupportThreshold(this.embedder.profile, this.embedder.dimensions);
  }

  /**
   * The answer's source check (answer/answer-sources.ts): the profile's floor at this size,
   * while the support gate runs (it scores the sentences); off (null) with the gate, and for an
   * engine with its own score scale even when a support threshold is given for it.
   */
  sourceFloor(): number | null {
    if (this.engineDefaults || this.supportThreshold() === null) return null;
    return defaultSourceFloor(this.embedder.profile, this.embedder.dimensions);
  }

  /** The category fallback calibrated for this route, if any. */
  calibratedFallback(index: KnowledgeIndex, key: CalibrationKey): CategoryFallback | null {
    return this.calibrationFor(index, key)?.categoryFallback ?? null;
  }
}
