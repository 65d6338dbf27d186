import { type Command, Option } from 'commander';
import {
  defaultRouteName,
  type FilterRequest,
  filterRequest,
  type RouteName,
  type RouteRequest,
  routeNames,
} from '../app/options.js';
import { collectValues, parseFraction, parsePositiveInteger } from './parse-flags.js';

/** The retrieval-route flags shared by `ask`, `calibrate` and anything else that routes a question. */
export interface RouteFlags {
  mode?: RouteName;
  hybrid?: boolean;
  categoryFallback?: string;
  categoryMargin?: string;
  relativeCutoff?: string;
}

export function addRouteOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--mode <route>',
        `retrieval route (default ${defaultRouteName}): hybrid = all documents, vector + BM25 keyword ranks fused; flat = vector only; two-stage = the seed's best category, then its best document`,
      ).choices([...routeNames]),
    )
    .option('--hybrid', 'with --mode two-stage: fuse BM25 keyword ranks into both stages')
    .option(
      '--category-fallback <n>',
      'with --mode two-stage: also search up to n categories that nearly tie with the best (1 = off; default: calibrated, else off)',
    )
    .option('--category-margin <x>', 'with --category-fallback: what counts as a near tie (cosine, default 0.05)')
    .option('--relative-cutoff <x>', 'drop documents scoring below this fraction of the best one (e.g. 0.8)');
}

/**
 * Flags as a route request: strings become numbers here; which settings make sense for which
 * route is decided by `resolveRoute`, the one mapper the server and library use too.
 */
export function routeRequestFromFlags(flags: RouteFlags): RouteRequest {
  return {
    ...(flags.mode === undefined ? {} : { mode: flags.mode }),
    ...(flags.hybrid ? { hybrid: true } : {}),
    ...(flags.categoryFallback === undefined
      ? {}
      : { categoryFallback: parsePositiveInteger(flags.categoryFallback, '--category-fallback') }),
    ...(flags.categoryMargin === undefined
      ? {}
      : { categoryMargin: parseFraction(flags.categoryMargin, '--category-margin') }),
    ...(flags.relativeCutoff === undefined
      ? {}
      : { relativeCutoff: parseFraction(flags.relativeCutoff, '--relative-cutoff') }),
  };
}

/** Flags that limit a question to some documents (`ask`, `search`); repeatable. */
export interface FilterFlags {
  category?: string[];
  document?: string[];
  tag?: string[];
}

export function addFilterOptions(command: Command): Command {
  return command
    .option('--category <name>', 'search only this category (repeatable)', collectValues)
    .option('--document <name>', 'search only this document: its title, path or file name (repeatable)', collectValues)
    .option('--tag <tag>', 'search only documents with this tag (repeatable; any of them)', collectValues);
}

export function filterRequestFromFlags(flags: FilterFlags): FilterRequest {
  return filterRequest({ categories: flags.category, documents: flags.document, tags: flags.tag });
}
