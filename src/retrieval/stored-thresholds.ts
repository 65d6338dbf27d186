import { z } from 'zod';

/** The knowledge-base setting `calibrate` writes: thresholds chosen from labelled questions. */
export const storedThresholdsKey = 'thresholds';

const storedThresholdsSchema = z
  .object({
    category: z.number().min(-1).max(1),
    document: z.number().min(-1).max(1),
    /** The category fallback chosen with them (two-stage), or null for the seed's single category. */
    categoryFallback: z
      .object({ categories: z.number().int().min(1), margin: z.number().min(0).max(1) })
      .nullable()
      .optional(),
    /** The retrieval mode they were calibrated for. */
    mode: z.enum(['two-stage', 'flat', 'hybrid']).optional(),
    /** The embedding the scores came from: on another model's scale the numbers mean nothing. */
    embedding: z.object({ engine: z.string(), modelId: z.string(), dimensions: z.number() }).optional(),
  })
  .passthrough();

export type StoredThresholds = z.infer<typeof storedThresholdsSchema>;

/**
 * Reads calibrated thresholds from a knowledge base's settings. A value that does not
 * parse is ignored rather than trusted: the engine's defaults are the safe fallback.
 */
export function parseStoredThresholds(value: string | undefined): StoredThresholds | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = storedThresholdsSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether calibrated thresholds apply to this run: same embedding model and size (scores
 * on another scale mean nothing), and the same retrieval route they were chosen for.
 */
export function storedThresholdsApply(
  stored: StoredThresholds | undefined,
  run: { engine: string; modelId: string; dimensions: number; mode: 'two-stage' | 'flat' | 'hybrid' },
): stored is StoredThresholds {
  if (!stored) return false;
  if (stored.embedding) {
    const { engine, modelId, dimensions } = stored.embedding;
    if (engine !== run.engine || modelId !== run.modelId || dimensions !== run.dimensions) return false;
  }
  return stored.mode === undefined || stored.mode === run.mode;
}
