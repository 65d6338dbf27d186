import { z } from 'zod';
import type { Embedder } from '../embedding/embedder.js';
import { type CalibrationKey, calibrationKeys } from './route.js';

/** The knowledge-base setting `calibrate` writes and `Rag` reads: thresholds chosen from labelled questions. */
export const calibrationSettingKey = 'thresholds';

/**
 * The one schema of a stored calibration: `calibrate` writes it, `Rag.thresholdsFor` and the
 * "before" column of the next `calibrate` read it. Fields after `document` are optional so that
 * records written by older versions (thresholds only) still parse.
 */
export const calibrationRecordSchema = z
  .object({
    category: z.number().min(-1).max(1),
    document: z.number().min(-1).max(1),
    /** The category fallback chosen with them (two-stage), or null for the seed's single category. */
    categoryFallback: z
      .object({ categories: z.number().int().min(1).max(20), margin: z.number().min(0).max(1) })
      .nullable()
      .optional(),
    /** The route they were calibrated for (route.ts calibration key). */
    mode: z.enum(calibrationKeys).optional(),
    /** The embedding the scores came from: on another model's scale the numbers mean nothing. */
    embedding: z
      .object({ engine: z.string(), modelId: z.string(), dimensions: z.number().int().positive() })
      .optional(),
    labels: z.object({ answerable: z.number().int().min(0), unanswerable: z.number().int().min(0) }).optional(),
    f1Before: z.number().nullable().optional(),
    f1After: z.number().optional(),
    calibratedAt: z.string().optional(),
  })
  .strip();

export type CalibrationRecord = z.infer<typeof calibrationRecordSchema>;

/**
 * Reads a stored calibration. A value that does not parse is ignored rather than trusted: the
 * engine's defaults are the safe fallback.
 */
export function parseCalibration(value: string | undefined): CalibrationRecord | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = calibrationRecordSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface CalibrationRun {
  engine: string;
  modelId: string;
  dimensions: number;
  route: CalibrationKey;
}

/**
 * Whether a calibration applies to this run: same embedding model and size (scores on another
 * scale mean nothing), and the route it was chosen for (a record without one predates routes
 * and was made for two-stage).
 */
export function calibrationApplies(
  record: CalibrationRecord | undefined,
  run: CalibrationRun,
): record is CalibrationRecord {
  if (!record) return false;
  if (record.embedding) {
    const { engine, modelId, dimensions } = record.embedding;
    if (engine !== run.engine || modelId !== run.modelId || dimensions !== run.dimensions) return false;
  }
  return (record.mode ?? 'two-stage') === run.route;
}

export function embeddingOf(embedder: Embedder): NonNullable<CalibrationRecord['embedding']> {
  return { engine: embedder.model.engine, modelId: embedder.model.modelId, dimensions: embedder.dimensions };
}

/** Validates before storing: what is written always parses back. */
export function serializeCalibration(record: CalibrationRecord): string {
  return JSON.stringify(calibrationRecordSchema.parse(record));
}
