import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvalReport, ScorePoint } from '../run-eval.js';
import { metricsByDimensionChart } from './metrics-line-chart.js';
import { scoreDistributionChart } from './score-histogram-chart.js';

/** Writes the eval's charts into `directory`; returns their paths. File names carry the languages. */
export async function writeEvalCharts(
  directory: string,
  report: EvalReport,
  points: readonly ScorePoint[],
): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const languages = report.lang === report.kbLang ? report.lang : `${report.lang}-${report.kbLang}`;
  const setting = `${report.dataset}, questions ${report.lang}, knowledge base ${report.kbLang}, ${report.engine}`;
  const metricsPath = join(directory, `${report.dataset}-${languages}-metrics-by-dimension.svg`);
  await writeFile(
    metricsPath,
    metricsByDimensionChart(
      report.results.filter((row) => !row.reranked),
      'Retrieval quality by embedding size',
      `${setting}, ${report.questions} questions`,
    ),
  );
  const { refusal, calibration } = report;
  const scoresPath = join(directory, `${report.dataset}-${languages}-score-distributions.svg`);
  await writeFile(
    scoresPath,
    scoreDistributionChart(
      points,
      { current: refusal.thresholds, calibrated: calibration?.thresholds },
      `Score distributions, ${refusal.mode} at ${refusal.dimensions} dimensions`,
      `${setting}; ${refusal.heldOutArticles.length} of the articles held out (seed ${refusal.seed})`,
    ),
  );
  return [metricsPath, scoresPath];
}
