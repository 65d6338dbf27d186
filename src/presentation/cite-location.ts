import { basename } from 'node:path';
import type { NumberRange, SourceLocation } from '../spec/source-location.js';

function range(singular: string, plural: string, value: NumberRange): string {
  return value.from === value.to ? `${singular} ${value.from}` : `${plural} ${value.from}–${value.to}`;
}

/**
 * Where in its file a chunk is, in words: "p. 12 · 3 Leave › 3.2 Annual leave", "slide 4 ·
 * VPN", "sheet Staff, rows 2–40". Empty when the location says nothing. The CLI, `--json`,
 * the API and the web UI all show this one string, so they cannot disagree.
 */
export function describeLocation(location: SourceLocation | undefined): string {
  return [positionOf(location), headingsOf(location)].filter(Boolean).join(' · ');
}

/** Page, slide or sheet rows: the part of a place that reads as a position in the file. */
function positionOf(location: SourceLocation | undefined): string {
  if (!location) return '';
  const parts: string[] = [];
  if (location.pages) parts.push(range('p.', 'pp.', location.pages));
  if (location.slides) parts.push(range('slide', 'slides', location.slides));
  if (location.sheet !== undefined || location.rows) {
    const sheet = location.sheet === undefined ? '' : `sheet ${location.sheet}`;
    const rows = location.rows ? range('row', 'rows', location.rows) : '';
    parts.push([sheet, rows].filter(Boolean).join(', '));
  }
  return parts.join(' · ');
}

function headingsOf(location: SourceLocation | undefined): string {
  return location?.headings?.join(' › ') ?? '';
}

/**
 * A citation as a person reads it: the file's name, then the place ("handbook.pdf p. 12 ·
 * 3.2 Annual leave"). Sheets are already part of the place, so a workbook's `#sheet` source
 * suffix is dropped; sources that are not files (JSON records, API documents) give the title.
 */
export function citationLabel(citation: {
  title: string;
  source: string;
  location?: SourceLocation | undefined;
  /** The page the answer quotes, when the chunk spans several (presentation/quoted-page.ts). */
  quotedPage?: number | undefined;
}): string {
  const file = citation.source.split('#')[0] ?? '';
  const name = file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) ? basename(file) : citation.title;
  const fromRecord = citation.source.includes('#') && !citation.location?.sheet;
  const location =
    citation.quotedPage === undefined || !citation.location
      ? citation.location
      : { ...citation.location, pages: { from: citation.quotedPage, to: citation.quotedPage } };
  const where = [fromRecord ? citation.title : name, positionOf(location)].filter(Boolean).join(' ');
  return [where, headingsOf(citation.location)].filter(Boolean).join(' · ');
}
