import type { LoadedDocument } from '../../spec/document-loader.js';
import type { PageStart, SourceLocation, TableSection, TextSection } from '../../spec/source-location.js';
import { type Chunk, type ChunkOptions, chunkText, defaultChunkTargetTokens } from './chunk-text.js';

export interface LocatedChunk extends Chunk {
  /** Where the chunk came from; absent for documents whose format has no places. */
  location?: SourceLocation;
}

/**
 * Chunks a document along its sections: running text is chunked as before, but never across
 * a change of heading, slide or sheet (a chunk cites one place); pages are the exception, since
 * a paragraph that runs over a page break belongs together ("pp. 12–13"). Tables become groups
 * of whole rows under a repeated header. Positions count through the whole document.
 */
export async function chunkDocument(document: LoadedDocument, options: ChunkOptions): Promise<LocatedChunk[]> {
  if (!document.sections || document.sections.length === 0) return chunkText(document.content, options);
  const chunks: LocatedChunk[] = [];
  const add = (found: Array<Omit<LocatedChunk, 'position'>>) => {
    for (const chunk of found) chunks.push({ ...chunk, position: chunks.length });
  };
  for (const run of runsOf(document.sections)) {
    if (run.kind === 'table') add(await chunkTable(run.section, options));
    else add(await chunkRun(run.sections, options));
  }
  return chunks;
}

type Run = { kind: 'table'; section: TableSection } | { kind: 'text'; sections: TextSection[] };

/** Consecutive text sections whose locations differ in nothing but pages flow together. */
function runsOf(sections: LoadedDocument['sections'] & {}): Run[] {
  const runs: Run[] = [];
  for (const section of sections) {
    const last = runs.at(-1);
    if (section.kind === 'table') runs.push({ kind: 'table', section });
    else if (last?.kind === 'text' && samePlaceApartFromPages(last.sections.at(-1)?.location, section.location))
      last.sections.push(section);
    else runs.push({ kind: 'text', sections: [section] });
  }
  return runs;
}

export function samePlaceApartFromPages(left: SourceLocation | undefined, right: SourceLocation): boolean {
  if (!left) return false;
  const { pages: _left, ...leftRest } = left;
  const { pages: _right, ...rightRest } = right;
  return JSON.stringify(leftRest) === JSON.stringify(rightRest);
}

/** Chunks the run's joined text, then gives each chunk the pages its text spans. */
async function chunkRun(sections: readonly TextSection[], options: ChunkOptions) {
  const separator = '\n\n';
  const starts: number[] = [];
  let text = '';
  for (const section of sections) {
    if (text !== '') text += separator;
    starts.push(text.length);
    text += section.text;
  }
  const chunks = await chunkText(text, options);
  const base = sections[0]?.location ?? {};
  let searchFrom = 0;
  return chunks.map(({ text: chunkBody, tokens }) => {
    // Chunks are trimmed substrings of the run, in order; overlap means one may start inside the previous.
    const found = text.indexOf(chunkBody, searchFrom);
    const start = found === -1 ? searchFrom : found;
    searchFrom = start + 1;
    const first = sectionAt(starts, start);
    const last = sectionAt(starts, start + chunkBody.length - 1);
    const firstPages = sections[first]?.location.pages;
    const lastPages = sections[last]?.location.pages;
    const location: SourceLocation =
      firstPages && lastPages ? { ...base, pages: { from: firstPages.from, to: lastPages.to } } : base;
    if (location.pages && location.pages.to > location.pages.from) {
      location.pageStarts = pageStartsWithin(sections, starts, first, last, start);
    }
    return { text: chunkBody, tokens, location };
  });
}

/** Where each page after the chunk's first begins, as offsets into the chunk's text. */
function pageStartsWithin(
  sections: readonly TextSection[],
  starts: readonly number[],
  first: number,
  last: number,
  chunkStart: number,
): PageStart[] {
  const offsets: PageStart[] = [];
  for (let index = first + 1; index <= last; index++) {
    const previous = sections[index - 1]?.location.pages?.to;
    const current = sections[index]?.location.pages?.from;
    if (current !== undefined && current !== previous) {
      offsets.push({ page: current, offset: Math.max(0, (starts[index] ?? 0) - chunkStart) });
    }
  }
  return offsets;
}

function sectionAt(starts: readonly number[], offset: number): number {
  let index = 0;
  while (index + 1 < starts.length && (starts[index + 1] ?? Number.POSITIVE_INFINITY) <= offset) index++;
  return index;
}

/**
 * Packs whole rows under the header up to the target size. A row too long to fit with the
 * header even alone is chunked as text on its own, each part still starting with the header.
 */
async function chunkTable(table: TableSection, options: ChunkOptions) {
  const target = options.targetTokens ?? defaultChunkTargetTokens;
  const counts = await options.countTokens([table.header, ...table.rows.map((row) => row.text)]);
  const headerTokens = counts[0] ?? 0;
  const chunks: Array<Omit<LocatedChunk, 'position'>> = [];
  let group: Array<{ number: number; text: string }> = [];
  let groupTokens = headerTokens;
  const flush = async () => {
    if (group.length === 0) return;
    const text = [table.header, ...group.map((row) => row.text)].join('\n');
    const location = { ...table.location, rows: { from: group[0]?.number ?? 0, to: group.at(-1)?.number ?? 0 } };
    const [tokens = 0] = await options.countTokens([options.prefix + text]);
    if (tokens <= options.maxInputTokens) chunks.push({ text, tokens, location });
    else {
      const parts = await chunkText(group.map((row) => row.text).join('\n'), {
        ...options,
        prefix: `${options.prefix}${table.header}\n`,
      });
      for (const part of parts) chunks.push({ text: `${table.header}\n${part.text}`, tokens: part.tokens, location });
    }
    group = [];
    groupTokens = headerTokens;
  };
  for (const [index, row] of table.rows.entries()) {
    const rowTokens = counts[index + 1] ?? 0;
    if (group.length > 0 && groupTokens + rowTokens > target) await flush();
    group.push(row);
    groupTokens += rowTokens;
  }
  await flush();
  if (chunks.length === 0) {
    const [tokens = 0] = await options.countTokens([options.prefix + table.header]);
    chunks.push({ text: table.header, tokens, location: table.location });
  }
  return chunks;
}
