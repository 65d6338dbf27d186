/** Small helpers for hand-written SVG charts: escaping, scales and "nice" axis ticks. */

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
export const palette = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  sky: '#56B4E9',
  grey: '#6b6b6b',
  ink: '#222222',
  grid: '#e3e3e3',
} as const;

export const fontFamily = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';

/** Maps [domainStart, domainEnd] linearly onto [rangeStart, rangeEnd]. */
export function linearScale(
  [domainStart, domainEnd]: readonly [number, number],
  [rangeStart, rangeEnd]: readonly [number, number],
): (value: number) => number {
  const span = domainEnd - domainStart || 1;
  return (value) => rangeStart + ((value - domainStart) / span) * (rangeEnd - rangeStart);
}

/** Round tick values (1, 2 or 5 × 10^n apart) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const rough = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((factor) => factor * magnitude >= rough) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) {
    ticks.push(Number(value.toFixed(12)));
  }
  return ticks;
}

/** A tick label without float noise: 0.30000000000000004 → "0.3". */
export function formatTick(value: number): string {
  return String(Number(value.toPrecision(6)));
}

export function text(x: number, y: number, content: string, attributes: Record<string, string | number> = {}): string {
  const rendered = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
  return `<text x="${round(x)}" y="${round(y)}"${rendered}>${escapeXml(content)}</text>`;
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export function svgDocument(width: number, height: number, title: string, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${fontFamily}" font-size="12" fill="${palette.ink}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
