import type { SkippedSource } from '../../spec/document-loader.js';
import type { TableSection } from '../../spec/source-location.js';

/** Beyond these a sheet is a data dump rather than knowledge; what is left out is reported. */
export const tableLimits = { maxRows: 100_000, maxColumns: 256, maxCellCharacters: 4_000 };

/** How a row reads in a chunk: its cells in order, blanks kept so columns still line up with the header. */
export function rowText(cells: readonly unknown[]): string {
  const texts = cells.slice(0, tableLimits.maxColumns).map((cell) =>
    String(cell ?? '')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, tableLimits.maxCellCharacters),
  );
  while (texts.length > 0 && texts.at(-1) === '') texts.pop();
  return texts.join(' | ');
}

/**
 * A sheet's rows as a table section: the first non-empty row is the header, blank rows are
 * dropped, and every other row keeps the number the sheet shows for it. Rows past the limit
 * are reported under `skippedPath` rather than silently lost.
 */
export function tableSection(
  rows: Iterable<{ number: number; cells: readonly unknown[] }>,
  location: { sheet?: string },
  skippedPath: string,
  /** The sheet's last row when the reader itself stopped early (SheetJS's `sheetRows`). */
  sheetEndsAtRow = 0,
): { section: TableSection | undefined; skipped: SkippedSource[] } {
  let header: { number: number; text: string } | undefined;
  const kept: Array<{ number: number; text: string }> = [];
  let lastNumber = 0;
  let dropped = 0;
  for (const row of rows) {
    const text = rowText(row.cells);
    if (text === '') continue;
    if (!header) {
      header = { number: row.number, text };
      continue;
    }
    if (kept.length >= tableLimits.maxRows) {
      dropped++;
      lastNumber = row.number;
      continue;
    }
    kept.push({ number: row.number, text });
  }
  const skipped: SkippedSource[] =
    dropped > 0
      ? [
          {
            path: skippedPath,
            reason: `rows ${(kept.at(-1)?.number ?? 0) + 1}–${Math.max(lastNumber, sheetEndsAtRow)} not indexed: at most ${tableLimits.maxRows.toLocaleString('en-US')} rows per sheet`,
          },
        ]
      : [];
  if (!header) return { section: undefined, skipped };
  const first = kept[0]?.number ?? header.number;
  const last = kept.at(-1)?.number ?? header.number;
  return {
    section: {
      kind: 'table',
      header: header.text,
      rows: kept,
      location: { ...location, rows: { from: first, to: last } },
    },
    skipped,
  };
}
