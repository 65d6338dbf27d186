import type { LoadResult } from '../spec/document-loader.js';

/**
 * What pruning must keep: every document produced in this run, and anything from a file that
 * exists but could not be read this time (a bad edit should not delete what was indexed).
 * `path:line` (a bad record) and `path#part` (a sheet) both name their file.
 */
export function stillPresent(loaded: LoadResult): (source: string) => boolean {
  const produced = new Set(loaded.documents.map((document) => document.source));
  const unreadable = new Set(loaded.skipped.map((skipped) => fileOf(skipped.path.replace(/:\d+$/, ''))));
  return (source) => produced.has(source) || unreadable.has(fileOf(source));
}

function fileOf(source: string): string {
  return source.split('#')[0] ?? source;
}

/** `--category NAME` puts every document of a run in that category. */
export function withCategory(result: LoadResult, category: string | undefined): LoadResult {
  if (category === undefined) return result;
  return { ...result, documents: result.documents.map((document) => ({ ...document, category: category.trim() })) };
}
