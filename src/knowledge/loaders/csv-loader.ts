import type { DocumentLoader, LoadResult } from '../../spec/document-loader.js';
import { errorMessage } from '../../spec/errors.js';
import { fileTitle } from './file-title.js';
import { documentFromSections } from './sections.js';
import { tableSection } from './table-rows.js';

/**
 * CSV and TSV through csv-parse (RFC 4180: quoted fields, embedded line breaks, doubled
 * quotes). Values stay text exactly as written; nothing is guessed into dates or numbers.
 * Rows are numbered as a spreadsheet would show the file, the header being row 1.
 */
export const csvLoader: DocumentLoader = {
  format: 'CSV',
  extensions: ['.csv', '.tsv'],
  needsText: true,
  async load({ path, fileName, text, defaultCategory }): Promise<LoadResult> {
    const { parse } = await import('csv-parse/sync');
    let records: string[][];
    try {
      records = parse(text, {
        bom: true,
        delimiter: path.toLowerCase().endsWith('.tsv') ? '\t' : sniffDelimiter(text),
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: false,
        // A runaway quote would otherwise swallow the rest of the file into one field.
        max_record_size: 1_000_000,
      }) as string[][];
    } catch (error) {
      return { documents: [], skipped: [{ path, reason: `not valid CSV: ${errorMessage(error)}` }] };
    }
    const table = tableSection(
      records.map((cells, index) => ({ number: index + 1, cells })),
      {},
      path,
    );
    const documents = table.section
      ? [
          documentFromSections({ category: defaultCategory, title: fileTitle(fileName ?? path), source: path }, [
            table.section,
          ]),
        ]
      : [];
    return { documents, skipped: table.skipped };
  },
};

/**
 * Excel writes `;` where the decimal separator is a comma (most of Europe), and exports may
 * use tabs; whichever of the three appears most often outside quotes in the first line wins.
 */
function sniffDelimiter(text: string): string {
  const counts = new Map([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const character of text.slice(0, 10_000)) {
    if (character === '"') quoted = !quoted;
    else if (!quoted && character === '\n') break;
    else if (!quoted && counts.has(character)) counts.set(character, (counts.get(character) ?? 0) + 1);
  }
  return [...counts.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
}
