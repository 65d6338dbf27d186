import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { AnswerSummary } from '../answer-summary.js';
import type { AnswersReport } from '../evaluate-answers.js';
import { linearScale, palette, round, svgDocument, text } from './svg.js';

const measures = [
  { key: 'containsGold', label: 'answer contains gold', color: palette.blue },
  { key: 'citedGold', label: 'cited the gold paragraph (retrieval)', color: palette.sky },
  { key: 'unanswerableRefused', label: 'left-out questions refused', color: palette.green },
  { key: 'languageMatches', label: "answer in the question's language", color: palette.orange },
] as const satisfies ReadonlyArray<{ key: keyof AnswerSummary; label: string; color: string }>;

/**
 * One group of horizontal bars per prompt, the same four rates (0–100%) in each, so prompts read
 * side by side: what `eval answers --charts` writes beside its table.
 */
export function answersBarChart(summaries: readonly AnswerSummary[], title: string, subtitle: string): string {
  const left = 150;
  const plotWidth = 420;
  const bar = 14;
  const groupHeight = measures.length * (bar + 3) + 18;
  const top = 104;
  const width = Math.max(left + plotWidth + 70, 20 + 7 * subtitle.length);
  const height = top + summaries.length * groupHeight + 40;
  const x = linearScale([0, 1], [left, left + plotWidth]);
  const body: string[] = [
    text(20, 30, title, { 'font-size': 18, 'font-weight': 600 }),
    text(20, 52, subtitle, { 'font-size': 13, fill: palette.grey }),
  ];
  measures.forEach(({ label, color }, index) => {
    const legendX = 20 + (index % 2) * 300;
    const legendY = 72 + Math.floor(index / 2) * 16;
    body.push(`<rect x="${legendX}" y="${legendY - 9}" width="10" height="10" fill="${color}"/>`);
    body.push(text(legendX + 16, legendY, label));
  });
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    body.push(
      `<line x1="${round(x(tick))}" y1="${top - 6}" x2="${round(x(tick))}" y2="${height - 34}" stroke="${palette.grid}"/>`,
    );
    body.push(text(x(tick), height - 20, `${tick * 100}%`, { 'text-anchor': 'middle', fill: palette.grey }));
  }
  summaries.forEach((summary, group) => {
    const groupTop = top + group * groupHeight;
    body.push(text(left - 10, groupTop + 2 * (bar + 3), summary.prompt, { 'text-anchor': 'end', 'font-weight': 600 }));
    measures.forEach(({ key, color }, index) => {
      const value = summary[key];
      const y = groupTop + index * (bar + 3);
      if (value === null) return;
      body.push(
        `<rect x="${left}" y="${y}" width="${round(x(value) - left)}" height="${bar}" fill="${color}"><title>${(100 * value).toFixed(0)}%</title></rect>`,
      );
      body.push(text(x(value) + 4, y + bar - 3, `${(100 * value).toFixed(0)}%`, { 'font-size': 11 }));
    });
  });
  return svgDocument(width, height, title, body);
}

/** Writes the report's chart into `directory`; the file name carries the set and the model. */
export async function writeAnswersChart(directory: string, report: AnswersReport): Promise<string> {
  await mkdir(directory, { recursive: true });
  const model = basename(report.model.replace(/^[^:]+:/u, '')).replace(/\.gguf$/u, '');
  const set = report.set.replace(/\.json$/u, '');
  const path = join(directory, `answers-${set}-${model}.svg`.replace(/[^\w.-]+/gu, '-'));
  const subtitle = `${report.answerable} answerable + ${report.unanswerable} left-out questions; answers by ${model}; retrieval ${basename(report.embedding)}`;
  await writeFile(path, answersBarChart(report.summaries, `Answers on ${set}`, subtitle));
  return path;
}
