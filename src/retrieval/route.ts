import { z } from 'zod';
import { normalizeTag } from '../knowledge/tags.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { DocumentFilter } from '../spec/knowledge-store.js';
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

/** The most documents one search reports. */
export const maxTopK = 100;

const filterList = z.array(z.string().trim().min(1, 'a filter value must not be empty').max(500)).min(1).max(200);

/** What a caller may ask for; validated here once for the CLI, the server and the library. */
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
    /** Search only documents in these categories (by name). */
    categories: filterList.optional(),
    /** Search only these documents (by title, source path, or file name). */
    documents: filterList.optional(),
    /** Search only documents with one of these tags. */
    tags: filterList.optional(),
  })
  .strict();

export type RouteRequest = z.input<typeof routeRequestSchema>;

/** The filter part of a route request (`--category`, `--document`, `--tag`; `categories`, `documents`, `tags`). */
export type FilterRequest = Pick<RouteRequest, 'categories' | 'documents' | 'tags'>;

/** Only the filter lists that are given, for passing a request's filter on. */
export function filterRequest(request: FilterRequest): FilterRequest {
  return {
    ...(request.categories ? { categories: request.categories } : {}),
    ...(request.documents ? { documents: request.documents } : {}),
    ...(request.tags ? { tags: request.tags } : {}),
  };
}

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
  /** Only documents that pass this (applied inside every search: see filter-scope.ts); null = all. */
  filter: DocumentFilter | null;
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

/** What a calibration may settle for a route: its category fallback. */
export type CalibratedRouteSettings = { categoryFallback?: CategoryFallback | null | undefined } | undefined;

/**
 * The one mapper from a request to a route. A category fallback given in the request wins;
 * otherwise the one calibrated for this route, if any. `calibrated` may be a lookup by
 * calibration key, so a caller whose calibration depends on the route resolves it once.
 */
export function resolveRoute(
  request: RouteRequest = {},
  calibrated: CalibratedRouteSettings | ((key: CalibrationKey) => CalibratedRouteSettings) = undefined,
): Route {
  const parsed = routeRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw new GemmaRagError(errorCodes.invalidArgument, `Invalid retrieval route: ${parsed.error.issues[0]?.message}`, {
      data: { request },
    });
  }
  const { mode = defaultRouteName, hybrid, categoryFallback, categoryMargin, relativeCutoff, topK } = parsed.data;
  const { categories, documents, tags } = parsed.data;
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
  const calibrationKey = calibrationKeyOf(mode, fusedKeywords);
  const settings = typeof calibrated === 'function' ? calibrated(calibrationKey) : calibrated;
  const fallback: CategoryFallback | null = !twoStage
    ? null
    : categoryFallback !== undefined
      ? { categories: categoryFallback, margin: categoryMargin ?? defaultCategoryMargin }
      : (settings?.categoryFallback ?? null);
  return {
    name: mode,
    stages: twoStage ? 'two-stage' : 'flat',
    keywords: fusedKeywords,
    categoryFallback: fallback && fallback.categories > 1 ? fallback : null,
    relativeCutoff,
    topK: topK ?? defaultTopK,
    filter: categories || documents || tags ? filterOf({ categories, documents, tags }) : null,
    calibrationKey,
  };
}

/** The calibration key a request will run under, before anything is calibrated. */
export function calibrationKeyFor(request: RouteRequest = {}): CalibrationKey {
  return resolveRoute(request).calibrationKey;
}

/** A filter with only the lists given, each without repeats; tags normalized as at ingest. */
function filterOf(lists: { categories?: string[]; documents?: string[]; tags?: string[] }): DocumentFilter {
  const unique = (values: string[] | undefined) => (values ? [...new Set(values)] : undefined);
  // Each tag normalized as at ingest; not tagsFrom, whose per-document cap would drop asked-for tags.
  const tags = lists.tags ? unique(lists.tags.flatMap((tag) => normalizeTag(tag) ?? [])) : undefined;
  if (lists.tags && tags?.length === 0) {
    throw new GemmaRagError(errorCodes.invalidArgument, `No usable tag in ${JSON.stringify(lists.tags)}.`, {
      data: { tags: lists.tags },
    });
  }
  return {
    ...(lists.categories ? { categories: unique(lists.categories) } : {}),
    ...(lists.documents ? { documents: unique(lists.documents) } : {}),
    ...(tags ? { tags } : {}),
  };
}
