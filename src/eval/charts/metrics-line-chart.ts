import type { EvalMode } from '../answer-decision.js';
import type { ModeResult } from '../run-eval.js';
import { formatTick, linearScale, palette, round, svgDocument, text } from './svg.js';

const metrics = [
  { key: 'categoryAccuracy', label: 'Category accuracy (stage 1)' },
  { key: 'hitAt1', label: 'Hit@1' },
  { key: 'recallAt5', label: 'Recall@5' },
  { key: 'recallAt10', label: 'Recall@10' },
  { key: 'mrrAt10', label: 'MRR@10' },
  { key: 'ndcgAt10', label: 'nDCG@10' },
] as const satisfies ReadonlyArray<{ key: keyof ModeResult; label: string }>;

export const modeStyles: Record<EvalMode, { color: string; dash: string; marker: 'circle' | 'square' | 'diamond' }> = {
  'two-stage': { color: palette.blue, dash: '', marker: 'circle' },
  flat: { color: palette.orange, dash: '6 3', marker: 'square' },
  hybrid: { color: palette.green, dash: '2 3', marker: 'diamond' },
};

function marker(shape: 'circle' | 'square' | 'diamond', x: number, y: number, color: string): string {
  if (shape === 'circle') return `<circle cx="${round(x)}" cy="${round(y)}" r="4" fill="${color}"/>`;
  if (shape === 'square')
    return `<rect x="${round(x - 3.5)}" y="${round(y - 3.5)}" width="7" height="7" fill="${color}"/>`;
  return `<path d="M${round(x)} ${round(y - 5)} L${round(x + 5)} ${round(y)} L${round(x)} ${round(y + 5)} L${round(x - 5)} ${round(y)} Z" fill="${color}"/>`;
}

/**
 * Small multiples, one panel per metric: the metric (0–1, same scale in every panel) against the
 * embedding size, one line per retrieval mode. Sizes are evenly spaced (they halve each step).
 */
export function metricsByDimensionChart(results: readonly ModeResult[], title: string, subtitle: string): string {
  const modes = [...new Set(results.map((row) => row.mode))];
  const sizes = [...new Set(results.map((row) => row.dimensions))].sort((left, right) => left - right);
  const panels = metrics.filter(({ key }) => results.some((row) => row[key] !== null));
  const columns = 3;
  const rows = Math.ceil(panels.length / columns);
  const panelWidth = 290;
  const panelHeight = 200;
  const margin = { left: 56, right: 24, top: 30, bottom: 44 };
  const header = 96;
  const width = columns * (panelWidth + margin.left + margin.right) + 10;
  const height = header + rows * (panelHeight + margin.top + margin.bottom) + 10;
  const body: string[] = [
    text(20, 30, title, { 'font-size': 18, 'font-weight': 600 }),
    text(20, 52, subtitle, { 'font-size': 13, fill: palette.grey }),
  ];
  // Legend, once for all panels.
  let legendX = 20;
  for (const mode of modes) {
    const style = modeStyles[mode];
    body.push(
      `<line x1="${legendX}" y1="76" x2="${legendX + 30}" y2="76" stroke="${style.color}" stroke-width="2.5" stroke-dasharray="${style.dash}"/>`,
      marker(style.marker, legendX + 15, 76, style.color),
      text(legendX + 38, 80, mode, { 'font-size': 13 }),
    );
    legendX += 60 + mode.length * 8;
  }
  panels.forEach((metric, index) => {
    const left = (index % columns) * (panelWidth + margin.left + margin.right) + margin.left;
    const top = header + Math.floor(index / columns) * (panelHeight + margin.top + margin.bottom) + margin.top;
    const x =
      sizes.length === 1
        ? () => left + panelWidth / 2
        : linearScale([0, sizes.length - 1], [left + 20, left + panelWidth - 20]);
    const y = linearScale([0, 1], [top + panelHeight, top]);
    body.push(text(left, top - 10, metric.label, { 'font-size': 14, 'font-weight': 600 }));
    for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
      body.push(
        `<line x1="${left}" y1="${round(y(tick))}" x2="${left + panelWidth}" y2="${round(y(tick))}" stroke="${palette.grid}"/>`,
        text(left - 8, y(tick) + 4, formatTick(tick), { 'text-anchor': 'end', fill: palette.grey }),
      );
    }
    body.push(
      `<line x1="${left}" y1="${top + panelHeight}" x2="${left + panelWidth}" y2="${top + panelHeight}" stroke="${palette.ink}"/>`,
      `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + panelHeight}" stroke="${palette.ink}"/>`,
    );
    sizes.forEach((size, position) => {
      body.push(text(x(position), top + panelHeight + 18, String(size), { 'text-anchor': 'middle' }));
    });
    body.push(
      text(left + panelWidth / 2, top + panelHeight + 36, 'embedding dimensions', {
        'text-anchor': 'middle',
        fill: palette.grey,
      }),
    );
    for (const mode of modes) {
      const style = modeStyles[mode];
      const points = sizes.flatMap((size, position) => {
        const value = results.find((row) => row.mode === mode && row.dimensions === size)?.[metric.key];
        return typeof value === 'number' && Number.isFinite(value) ? [{ x: x(position), y: y(value), value }] : [];
      });
      if (points.length === 0) continue;
      body.push(
        `<polyline points="${points.map((point) => `${round(point.x)},${round(point.y)}`).join(' ')}" fill="none" stroke="${style.color}" stroke-width="2.5" stroke-dasharray="${style.dash}"/>`,
        ...points.map((point) => marker(style.marker, point.x, point.y, style.color)),
      );
    }
  });
  return svgDocument(width, height, title, body);
}
