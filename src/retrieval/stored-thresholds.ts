import { z } from 'zod';

/** The knowledge-base setting `calibrate` writes: thresholds chosen from labelled questions. */
export const storedThresholdsKey = 'thresholds';

const storedThresholdsSchema = z
  .object({
    category: z.number().min(-1).max(1),
    document: z.number().min(-1).max(1),
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
