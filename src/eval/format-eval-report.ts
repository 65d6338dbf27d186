import type { EvalReport } from './run-eval.js';

const fixed = (value: number | null | undefined, digits = 3) =>
  value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);

/** The report as Markdown tables: readable in a terminal, and pasted as-is into docs/eval.md. */
export function formatEvalReport(report: EvalReport): string {
  const lines = [
    `${report.dataset} · questions ${report.lang} · knowledge base ${report.kbLang} · ${report.engine} · ${report.questions} questions · ${report.seconds.toFixed(1)} s`,
    '',
    '| mode | dims | category acc. | hit@1 | recall@5 | recall@10 | MRR@10 | nDCG@10 | p50 ms | p95 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...report.results
      .map((row) =>
        [
          row.reranked ? `${row.mode} + rerank` : row.mode,
          row.dimensions,
          fixed(row.categoryAccuracy),
          fixed(row.hitAt1),
          fixed(row.recallAt5),
          fixed(row.recallAt10),
          fixed(row.mrrAt10),
          fixed(row.ndcgAt10),
          fixed(row.p50Ms, 2),
          fixed(row.p95Ms, 2),
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
  ];
  lines.push(...rerankGain(report));
  const { refusal, calibration } = report;
  lines.push(
    `Refusal (${refusal.mode}, ${refusal.dimensions} dims, ${refusal.heldOutArticles.length} articles held out with seed ${refusal.seed}: ${refusal.outOfScopeQuestions} out-of-scope, ${refusal.inScopeQuestions} in-scope questions)`,
    '',
    '| thresholds (category / document) | fallback | refusal precision | refusal recall | answer accuracy | answer F1 |',
    '|---|---|---:|---:|---:|---:|',
    `| ${fixed(refusal.thresholds.category)} / ${fixed(refusal.thresholds.document)} (current) | off | ${fixed(refusal.precision)} | ${fixed(refusal.recall)} | ${fixed(refusal.answerAccuracy)} | ${fixed(refusal.answerF1)} |`,
  );
  if (calibration) {
    const fallback = calibration.categoryFallback
      ? `${calibration.categoryFallback.categories} within ${calibration.categoryFallback.margin}`
      : 'off';
    lines.push(
      `| ${fixed(calibration.thresholds.category)} / ${fixed(calibration.thresholds.document)} (calibrated) | ${fallback} | ${fixed(calibration.precision)} | ${fixed(calibration.recall)} | ${fixed(calibration.answerAccuracy)} | ${fixed(calibration.f1After)} |`,
      '',
      `Calibrated F1 ${fixed(calibration.f1After)} is measured on the questions it was chosen on (optimistic); two-fold by article it is ${fixed(calibration.f1AfterCrossValidated)} (before: ${fixed(calibration.f1Before)}).`,
    );
  }
  lines.push('', `Held-out articles: ${refusal.heldOutArticles.join(', ')}`);
  return lines.join('\n');
}

/** What reranking changed, per mode and size: reranked row minus the route's own, same questions. */
function rerankGain(report: EvalReport): string[] {
  if (!report.reranker) return [];
  const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;
  const rows = report.results
    .filter((row) => row.reranked)
    .flatMap((reranked) => {
      const plain = report.results.find(
        (row) => !row.reranked && row.mode === reranked.mode && row.dimensions === reranked.dimensions,
      );
      if (!plain) return [];
      return [
        `| ${reranked.mode} | ${reranked.dimensions} | ${signed(reranked.hitAt1 - plain.hitAt1)} | ${signed(reranked.recallAt5 - plain.recallAt5)} | ${signed(reranked.mrrAt10 - plain.mrrAt10)} | ${signed(reranked.ndcgAt10 - plain.ndcgAt10)} |`,
      ];
    });
  return [
    `Reranker gain (${report.reranker.engine} ${report.reranker.model}, top ${report.reranker.top} passages; questions ${report.lang}): reranked minus not reranked`,
    '',
    '| mode | dims | Δ hit@1 | Δ recall@5 | Δ MRR@10 | Δ nDCG@10 |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ];
}
