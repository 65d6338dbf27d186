import type { Rag } from '../app/rag.js';
import { CachingEmbeddingModel } from '../embedding/caching-embedding-model.js';
import { writeEvalCharts } from './charts/write-eval-charts.js';
import { loadEmbeddingCache, saveEmbeddingCache } from './embedding-cache-file.js';
import { type EvalReport, type RunEvalOptions, runEval } from './run-eval.js';

// What `eval xquad` needs beside the flow: the data set, the routes it compares, the report.
export { type EvalMode, evalModes } from './answer-decision.js';
export { formatEvalReport } from './format-eval-report.js';
export { loadXquad } from './xquad-dataset.js';

export interface EvaluateXquadOptions extends Omit<RunEvalOptions, 'rag'> {
  /** Keep every vector in this file and reuse it next run (per model). */
  embeddingCache?: string | undefined;
  /** Write SVG charts into this folder. */
  chartsFolder?: string | undefined;
  /** A sentence for people (how many vectors were reused). */
  onNotice?: ((message: string) => void) | undefined;
}

/**
 * The retrieval benchmark flow (`eval xquad`): every route at every size on one engine, each
 * text embedded once (reused from the cache file when given, saved as it goes so an
 * interrupted run loses little), then the refusal test, optional calibration and charts.
 * Create `rag` with `cacheEmbeddings`.
 */
export async function evaluateXquad(
  rag: Rag,
  options: EvaluateXquadOptions,
): Promise<{ report: EvalReport; charts: string[] }> {
  const { embeddingCache, chartsFolder, onNotice, onProgress, ...run } = options;
  const cached = rag.embedder.model instanceof CachingEmbeddingModel ? rag.embedder.model : undefined;
  const cache = embeddingCache && cached ? { path: embeddingCache, model: cached } : undefined;
  if (cache) onNotice?.(`Reusing ${await loadEmbeddingCache(cache.model, cache.path)} vectors from ${cache.path}`);
  const { report, scorePoints } = await runEval({
    ...run,
    rag,
    onProgress: (stage, done, total) => {
      if (cache && done === total && total > 0) void saveEmbeddingCache(cache.model, cache.path).catch(() => {});
      onProgress?.(stage, done, total);
    },
  });
  if (cache) await saveEmbeddingCache(cache.model, cache.path);
  const charts = chartsFolder ? await writeEvalCharts(chartsFolder, report, scorePoints) : [];
  return { report, charts };
}
