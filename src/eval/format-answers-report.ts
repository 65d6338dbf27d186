import type { AnswersReport } from './evaluate-answers.js';

const percent = (value: number | null) => (value === null ? '–' : `${(100 * value).toFixed(0)}%`);
const number = (value: number | null, digits = 0) => (value === null ? '–' : value.toFixed(digits));

/** The `eval answers` report as a Markdown table, one row per prompt (docs/answers.md shows these). */
export function formatAnswersReport(report: AnswersReport): string {
  const header = [
    `${report.set}: ${report.answerable} answerable + ${report.unanswerable} unanswerable questions; answers by ${report.model}; retrieval ${report.embedding}; max tokens ${report.maxTokens ?? 'default'}, temperature ${report.temperature}`,
    '',
    '| prompt | contains gold | F1 | cited gold | answerable refused | withdrawn with gold | unanswerable refused (gate / model / grounding check) | answered without gold | answer language | TTFT p50 / p95 | retrieval share | tok/s | prompt tokens |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const rows = report.summaries.map((summary) =>
    [
      summary.prompt,
      percent(summary.containsGold),
      number(summary.f1 === null ? null : 100 * summary.f1),
      percent(summary.citedGold),
      percent(summary.answerableRefused),
      `${summary.withdrawnWithGold}/${summary.answerable}`,
      `${percent(summary.unanswerableRefused)} (${percent(summary.refusedByGate)} / ${percent(summary.refusedByModel)} / ${percent(summary.refusedByGrounding)})`,
      `${summary.answeredWithoutGoldCount}/${summary.answeredCount}`,
      percent(summary.languageMatches),
      `${number(summary.firstTextP50Ms)} / ${number(summary.firstTextP95Ms)} ms`,
      percent(summary.retrievalShare),
      number(summary.tokensPerSecond, 1),
      number(summary.promptTokens),
    ].join(' | '),
  );
  const cached = report.summaries.reduce((sum, summary) => sum + summary.cached, 0);
  const footer =
    cached > 0
      ? ['', `${cached} answers came from the answer cache (their timings are from the run that made them).`]
      : [];
  return [...header, ...rows.map((row) => `| ${row} |`), ...footer].join('\n');
}
