import type { DocumentLoader, LoadedDocument, LoadResult, SkippedSource } from '../../spec/document-loader.js';
import { errorMessage } from '../../spec/errors.js';
import { fileTitle } from './file-title.js';
import { storedZip } from './office/bounded-zip.js';
import { openOfficeArchive } from './office/office-archive.js';
import { firstElementText } from './office/xml-events.js';
import { documentFromSections } from './sections.js';
import { tableLimits, tableSection } from './table-rows.js';

/**
 * Excel and OpenDocument spreadsheets through SheetJS: one document per sheet, titled
 * "workbook › sheet" and stored as `path#sheet`, so a question can land on the right sheet;
 * cells read as the sheet displays them (dates and currencies formatted), never formulas.
 * SheetJS is loaded on first use.
 */
function spreadsheetLoader(format: string, extension: string, required: string, metadata: string): DocumentLoader {
  return {
    format,
    extensions: [extension],
    needsText: false,
    isolated: true,
    async load({ path, fileName, bytes, defaultCategory, maxInflatedBytes }): Promise<LoadResult> {
      const skip = (reason: string): LoadResult => ({ documents: [], skipped: [{ path, reason }] });
      const archive = openOfficeArchive(bytes, `${format} (${extension})`, required, maxInflatedBytes);
      if ('problem' in archive) return skip(archive.problem);
      const XLSX = await import('@e965/xlsx');
      let workbook: ReturnType<typeof XLSX.read>;
      try {
        workbook = XLSX.read(storedZip(archive.entries), {
          type: 'array',
          dense: true,
          // One row past the limit tells tableSection that rows were left out.
          sheetRows: tableLimits.maxRows + 2,
          cellFormula: false,
          cellHTML: false,
          cellStyles: false,
          bookVBA: false,
        });
      } catch (error) {
        return skip(`could not read ${format}: ${errorMessage(error)}`);
      }
      const bookTitle = firstElementText(archive.entries.get(metadata), 'dc:title') ?? fileTitle(fileName ?? path);
      const documents: LoadedDocument[] = [];
      const skipped: SkippedSource[] = [];
      for (const sheetName of workbook.SheetNames) {
        const sheet = workbook.Sheets[sheetName];
        if (!sheet?.['!ref']) continue;
        const range = XLSX.utils.decode_range(sheet['!ref']);
        range.e.c = Math.min(range.e.c, range.s.c + tableLimits.maxColumns - 1);
        const rows = XLSX.utils.sheet_to_json<unknown[]>(sheet, {
          header: 1,
          raw: false,
          defval: '',
          blankrows: true,
          range,
        });
        const source = `${path}#${sheetName}`;
        const table = tableSection(
          rows.map((cells, index) => ({ number: range.s.r + index + 1, cells })),
          { sheet: sheetName },
          source,
          sheet['!fullref'] ? XLSX.utils.decode_range(sheet['!fullref']).e.r + 1 : 0,
        );
        skipped.push(...table.skipped);
        if (!table.section) continue;
        documents.push(
          documentFromSections({ category: defaultCategory, title: `${bookTitle} › ${sheetName}`, source }, [
            table.section,
          ]),
        );
      }
      if (documents.length === 0 && skipped.length === 0)
        return skip(`no text content (${format}: every sheet is empty)`);
      return { documents, skipped };
    },
  };
}

export const xlsxLoader = spreadsheetLoader('Excel', '.xlsx', 'xl/workbook.xml', 'docProps/core.xml');
export const odsLoader = spreadsheetLoader('OpenDocument spreadsheet', '.ods', 'content.xml', 'meta.xml');
