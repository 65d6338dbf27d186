import type { Thresholds } from '../../retrieval/refusal-gate.js';
import type { ScorePoint } from '../run-eval.js';
import { formatTick, linearScale, niceTicks, palette, round, svgDocument, text } from './svg.js';

const kinds = [
  { kind: 'correct', label: 'right document on top', color: palette.green },
  { kind: 'wrong', label: 'wrong document on top', color: palette.orange },
  { kind: 'out-of-scope', label: 'its article held out', color: palette.vermillion },
] as const;

export interface ThresholdMarks {
  current: Thresholds;
  calibrated?: Thresholds | undefined;
}

/** Counts of `values` in `bins` equal-width bins over [min, max]; the last bin includes max. */
export function histogram(values: readonly number[], min: number, max: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (max - min) / bins || 1;
  for (const value of values) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((value - min) / width)));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts;
}

/**
 * The distributions of stage scores, one row per kind of question (correct / wrong / out of
 * scope) so they never hide each other, one column per stage, with the thresholds marked.
 * Scores are taken with thresholds of -1: what each question's best category and document scored.
 */
export function scoreDistributionChart(
  points: readonly ScorePoint[],
  marks: ThresholdMarks,
  title: string,
  subtitle: string,
): string {
  const stages = [
    { key: 'categoryScore', label: 'Stage 1: best category score', threshold: 'category' },
    { key: 'documentScore', label: 'Best document score (in the searched categories)', threshold: 'document' },
  ] as const;
  const columns = stages.filter(({ key }) => points.some((point) => point[key] !== undefined));
  const panelWidth = 400;
  const panelHeight = 110;
  const margin = { left: 64, right: 30, top: 14, bottom: 18 };
  const header = 140;
  const rowLabelWidth = 190;
  const width = rowLabelWidth + columns.length * (panelWidth + margin.left + margin.right) + 10;
  const height = header + kinds.length * (panelHeight + margin.top + margin.bottom) + 60;
  const body: string[] = [
    text(20, 30, title, { 'font-size': 18, 'font-weight': 600 }),
    text(20, 52, subtitle, { 'font-size': 13, fill: palette.grey }),
    `<line x1="20" y1="78" x2="50" y2="78" stroke="${palette.ink}" stroke-width="2" stroke-dasharray="5 4"/>`,
    text(58, 82, 'current threshold', { 'font-size': 13 }),
  ];
  if (marks.calibrated) {
    body.push(
      `<line x1="200" y1="78" x2="230" y2="78" stroke="${palette.blue}" stroke-width="2.5"/>`,
      text(238, 82, 'calibrated threshold', { 'font-size': 13 }),
    );
  }
  body.push(
    text(20, 104, 'A question passes a stage when its score is at or right of the line.', {
      'font-size': 12,
      fill: palette.grey,
    }),
  );
  columns.forEach((stage, column) => {
    const values = points.flatMap((point) => (point[stage.key] === undefined ? [] : [point[stage.key] as number]));
    const thresholdValues = [marks.current[stage.threshold], marks.calibrated?.[stage.threshold]].filter(
      (value): value is number => value !== undefined,
    );
    const low = Math.min(...values, ...thresholdValues.filter((value) => value > -1));
    const high = Math.max(...values, ...thresholdValues);
    const ticks = niceTicks(low, high, 6);
    const min = Math.min(low, ticks[0] ?? low);
    const max = Math.max(high, ticks.at(-1) ?? high);
    const bins = 40;
    const left = rowLabelWidth + column * (panelWidth + margin.left + margin.right) + margin.left;
    const x = linearScale([min, max], [left, left + panelWidth]);
    body.push(text(left, header - 8, stage.label, { 'font-size': 14, 'font-weight': 600 }));
    const middle = header + (kinds.length * (panelHeight + margin.top + margin.bottom)) / 2;
    body.push(
      text(left - 44, middle, 'questions per bin', {
        'text-anchor': 'middle',
        fill: palette.grey,
        transform: `rotate(-90 ${round(left - 44)} ${round(middle)})`,
      }),
    );
    kinds.forEach((kind, row) => {
      const top = header + row * (panelHeight + margin.top + margin.bottom) + margin.top;
      const ofKind = points.filter((point) => point.kind === kind.kind && point[stage.key] !== undefined);
      const counts = histogram(
        ofKind.map((point) => point[stage.key] as number),
        min,
        max,
        bins,
      );
      const yMax = Math.max(1, ...counts);
      const yTicks = niceTicks(0, yMax, 3).filter(Number.isInteger);
      const y = linearScale([0, Math.max(yMax, yTicks.at(-1) ?? yMax)], [top + panelHeight, top]);
      if (column === 0) {
        body.push(
          `<rect x="14" y="${top + panelHeight / 2 - 20}" width="12" height="12" fill="${kind.color}"/>`,
          text(32, top + panelHeight / 2 - 10, kind.kind, { 'font-size': 13, 'font-weight': 600 }),
          text(32, top + panelHeight / 2 + 8, kind.label, { fill: palette.grey }),
          text(32, top + panelHeight / 2 + 24, `${ofKind.length} questions`, { fill: palette.grey }),
        );
      }
      for (const tick of yTicks) {
        body.push(
          `<line x1="${left}" y1="${round(y(tick))}" x2="${left + panelWidth}" y2="${round(y(tick))}" stroke="${palette.grid}"/>`,
          text(left - 6, y(tick) + 4, formatTick(tick), { 'text-anchor': 'end', fill: palette.grey }),
        );
      }
      const binWidth = panelWidth / bins;
      counts.forEach((count, bin) => {
        if (count === 0) return;
        body.push(
          `<rect x="${round(left + bin * binWidth + 0.5)}" y="${round(y(count))}" width="${round(binWidth - 1)}" height="${round(top + panelHeight - y(count))}" fill="${kind.color}"><title>${count}</title></rect>`,
        );
      });
      body.push(
        `<line x1="${left}" y1="${top + panelHeight}" x2="${left + panelWidth}" y2="${top + panelHeight}" stroke="${palette.ink}"/>`,
      );
      const current = marks.current[stage.threshold];
      if (current >= min && current <= max) {
        body.push(
          `<line x1="${round(x(current))}" y1="${top - 4}" x2="${round(x(current))}" y2="${top + panelHeight}" stroke="${palette.ink}" stroke-width="2" stroke-dasharray="5 4"/>`,
        );
      }
      const calibrated = marks.calibrated?.[stage.threshold];
      if (calibrated !== undefined && calibrated >= min && calibrated <= max) {
        body.push(
          `<line x1="${round(x(calibrated))}" y1="${top - 4}" x2="${round(x(calibrated))}" y2="${top + panelHeight}" stroke="${palette.blue}" stroke-width="2.5"/>`,
        );
      }
    });
    const axisY = header + kinds.length * (panelHeight + margin.top + margin.bottom) - margin.bottom + 4;
    for (const tick of ticks) {
      body.push(
        `<line x1="${round(x(tick))}" y1="${axisY - 4}" x2="${round(x(tick))}" y2="${axisY}" stroke="${palette.ink}"/>`,
        text(x(tick), axisY + 14, formatTick(tick), { 'text-anchor': 'middle' }),
      );
    }
    body.push(
      text(left + panelWidth / 2, axisY + 34, 'cosine similarity', {
        'text-anchor': 'middle',
        fill: palette.grey,
      }),
    );
  });
  return svgDocument(width, height, title, body);
}
