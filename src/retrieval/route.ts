import { z } from 'zod';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { CategoryFallback } from './refusal-gate.js';

/**
 * The retrieval routes a question can take. Every caller — `ask`, `search`, the server, `eval`
 * and `calibrate` — names one of these and turns it into retrieval settings through
 * `resolveRoute`, and nowhere else.
 *
 * - `two-stage`: the seed's design: the best category (Classification prompt), then the best
 *   document inside it, each gated. `keywords` fuses BM25 into both stages.
 * - `flat`: the best document of the whole knowledge base by cosine, gated.
 * - `hybrid`: flat, with BM25 keyword ranks fused in (reciprocal rank fusion); the gate stays on
 *   cosine.
 */
export const routeNames = ['two-stage', 'flat', 'hybrid'] as const;
export type RouteName = (typeof routeNames)[number];

/** What `ask`, `serve` and the library use unless told otherwise (see docs/routes.md for the evidence). */
export const defaultRouteName: RouteName = 'hybrid';

/** What a caller may ask for; validated here once for the CLI, the server and the library. */
/** The most documents one search reports. */
export const maxTopK = 100;

export const routeRequestSchema = z
  .object({
    mode: z.enum(routeNames).optional(),
    /** two-stage only: fuse BM25 keyword ranks into both stages (`--mode two-stage --hybrid`). */
    hybrid: z.boolean().optional(),
    /** two-stage only: search up to this many near-tied categories (1 = the seed's single one). */
    categoryFallback: z.number().int().min(1).max(20).optional(),
    /** two-stage only: how close (in cosine) a runner-up must be to be searched. Default 0.05. */
    categoryMargin: z.number().min(0).max(1).optional(),
    /** Drop documents below this fraction of the best document's score. */
    relativeCutoff: z.number().min(0).max(1).optional(),
    /** How many documents to report. Default 5. */
    topK: z.number().int().min(1).max(maxTopK).optional(),
  })
  .strict();

export type RouteRequest = z.input<typeof routeRequestSchema>;

/** A resolved route: everything retrieve() needs to know about how to search. */
export interface Route {
  name: RouteName;
  /** Whether stage 1 (categories) runs. */
  stages: 'two-stage' | 'flat';
  /** Whether BM25 keyword ranks are fused with vector ranks. */
  keywords: boolean;
  categoryFallback: CategoryFallback | null;
  relativeCutoff: number | undefined;
  topK: number;
  /**
   * The name calibrations are stored under: thresholds calibrated for one route apply to that
   * route only (fusion changes which document a threshold lets through).
   */
  calibrationKey: CalibrationKey;
}

export const calibrationKeys = ['two-stage', 'two-stage+keywords', 'flat', 'hybrid'] as const;
export type CalibrationKey = (typeof calibrationKeys)[number];

export const defaultCategoryMargin = 0.05;
export const defaultTopK = 5;

export function calibrationKeyOf(name: RouteName, keywords: boolean): CalibrationKey {
  return name === 'two-stage' && keywords ? 'two-stage+keywords' : name;
}

/**
 * The one mapper from a request to a route. A category fallback given in the request wins;
 * otherwise the one calibrated for this route, if any.
 */
export function resolveRoute(
  request: RouteRequest = {},
  calibrated: { categoryFallback?: CategoryFallback | null | undefined } | undefined = undefined,
): Route {
  const parsed = routeRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw new GemmaRagError(errorCodes.invalidArgument, `Invalid retrieval route: ${parsed.error.issues[0]?.message}`, {
      data: { request },
    });
  }
  const { mode = defaultRouteName, hybrid, categoryFallback, categoryMargin, relativeCutoff, topK } = parsed.data;
  const twoStage = mode === 'two-stage';
  const keywords = hybrid ?? false;
  if (!twoStage && (keywords || categoryFallback !== undefined || categoryMargin !== undefined)) {
    const given = keywords ? 'keyword fusion inside stages (hybrid: true)' : 'a category fallback';
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `The ${mode} route has no category stage, so ${given} does not apply; use mode two-stage.`,
      { data: { mode } },
    );
  }
  const fusedKeywords = mode === 'hybrid' || (twoStage && keywords);
  const fallback: CategoryFallback | null = !twoStage
    ? null
    : categoryFallback !== undefined
      ? { categories: categoryFallback, margin: categoryMargin ?? defaultCategoryMargin }
      : (calibrated?.categoryFallback ?? null);
  return {
    name: mode,
    stages: twoStage ? 'two-stage' : 'flat',
    keywords: fusedKeywords,
    categoryFallback: fallback && fallback.categories > 1 ? fallback : null,
    relativeCutoff,
    topK: topK ?? defaultTopK,
    calibrationKey: calibrationKeyOf(mode, fusedKeywords),
  };
}

/** The calibration key a request will run under, before anything is calibrated. */
export function calibrationKeyFor(request: RouteRequest = {}): CalibrationKey {
  return resolveRoute(request).calibrationKey;
}
