import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import type { DocumentLoader, LoadResult, OcrOptions, SkippedSource } from '../../spec/document-loader.js';
import { errorMessage } from '../../spec/errors.js';
import { languagesFromText, ocrInstallHint } from '../ocr/ocr-languages.js';
import { findOcrTools, missingLanguages, recognizePdfPages } from '../ocr/tesseract-ocr.js';
import { fileTitle } from './file-title.js';
import { withoutRunningLines } from './running-lines.js';
import { documentFromSections } from './sections.js';

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;

/** pdf.js yields between pages, so a pathological file is abandoned rather than stalling ingest. */
const parseTimeoutMilliseconds = 60_000;

/**
 * Text of every page, via unpdf's serverless build of pdf.js: it runs in-process with no worker
 * file to fetch and no network access, and needs no canvas for text. Lines repeated at the top or
 * bottom of most pages (headers, footers, page numbers) are dropped. Each page is a section, so
 * a chunk knows its pages; pages are separated by a blank line so chunking sees paragraphs.
 * Pages without a text layer (scans) are read with OCR when tesseract is installed, and
 * otherwise reported with how to turn OCR on.
 */
export const pdfLoader: DocumentLoader = {
  format: 'PDF',
  extensions: ['.pdf'],
  needsText: false,
  isolated: true,
  async load({ path, fileName, bytes, defaultCategory, ocr }): Promise<LoadResult> {
    const skip = (reason: string): LoadResult => ({ documents: [], skipped: [{ path, reason }] });
    let document: PdfDocument | undefined;
    try {
      // A copy, as a plain Uint8Array: pdf.js refuses Node Buffers and may detach what it is given.
      const opening = getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
      document = await withTimeout(opening, (late) => void late.destroy());
      const extracted = (await withTimeout(extractText(document, { mergePages: false }))).text.map((page) =>
        page.trim(),
      );
      const metadataTitle = await documentTitle(document);
      // Scans are the pages without any text layer; a page that held only a header is not one.
      const scanned = await readScannedPages(
        bytes,
        extracted,
        `${metadataTitle ?? ''} ${fileTitle(fileName ?? path)}`,
        ocr,
      );
      const pages = withoutRunningLines(extracted);
      const sections = pages.map((page, index) => ({
        kind: 'text' as const,
        text: page || (scanned.texts.get(index + 1) ?? ''),
        location: { pages: { from: index + 1, to: index + 1 } },
      }));
      if (sections.every((section) => section.text === '')) return skip(`no extractable text (${scanned.problem})`);
      const skipped: SkippedSource[] =
        scanned.unread.length > 0
          ? [{ path, reason: `${describePages(scanned.unread)} not indexed: ${scanned.problem}` }]
          : [];
      return {
        documents: [
          {
            ...documentFromSections(
              { category: defaultCategory, title: metadataTitle ?? fileTitle(fileName ?? path), source: path },
              sections,
            ),
            pages: pages.length,
          },
        ],
        skipped,
      };
    } catch (error) {
      return skip(describePdfError(error));
    } finally {
      await document?.destroy().catch(() => undefined);
    }
  },
};

/**
 * OCR for the pages without text: their recognized text, the pages still unread, and why.
 * Languages come from `ocr.languages`, else from the text of the other pages, the title and
 * the file name.
 */
async function readScannedPages(
  bytes: Uint8Array,
  pages: readonly string[],
  titles: string,
  ocr: OcrOptions | undefined,
): Promise<{ texts: Map<number, string>; unread: number[]; problem: string }> {
  const empty = pages.flatMap((page, index) => (page === '' ? [index + 1] : []));
  const none = { texts: new Map<number, string>(), unread: empty };
  if (empty.length === 0) return { ...none, problem: '' };
  const scannedProblem = 'no text layer (scanned images)';
  const tools = await findOcrTools(ocr);
  if (!tools) return { ...none, problem: `${scannedProblem}; ${ocrInstallHint}` };
  const languages = ocr?.languages ?? languagesFromText(`${pages.join('\n')}\n${titles}`, tools.languages);
  const missing = missingLanguages(tools, languages);
  if (missing) return { ...none, problem: `${scannedProblem}; ${missing}` };
  let texts: Map<number, string>;
  try {
    texts = await recognizePdfPages(tools, bytes, empty, languages);
  } catch (error) {
    return { ...none, problem: `${scannedProblem}, and OCR failed: ${errorMessage(error)}` };
  }
  const unread = empty.filter((page) => !texts.get(page));
  return { texts, unread, problem: `no text layer, and OCR (${languages.join('+')}) found no text` };
}

/** "page 3" or "pages 3, 5–7". */
export function describePages(pages: readonly number[]): string {
  const ranges: string[] = [];
  for (let index = 0; index < pages.length; ) {
    let end = index;
    while (end + 1 < pages.length && pages[end + 1] === (pages[end] ?? 0) + 1) end++;
    ranges.push(end === index ? `${pages[index]}` : `${pages[index]}–${pages[end]}`);
    index = end + 1;
  }
  return `${pages.length === 1 ? 'page' : 'pages'} ${ranges.join(', ')}`;
}

async function documentTitle(document: PdfDocument): Promise<string | undefined> {
  try {
    const { info } = await getMeta(document);
    const title: unknown = info.Title;
    const cleaned = typeof title === 'string' ? title.replace(/\s+/g, ' ').trim() : '';
    return cleaned === '' ? undefined : cleaned;
  } catch {
    // A damaged information dictionary should not cost the text.
    return undefined;
  }
}

function describePdfError(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') return 'encrypted PDF (password protected); save an unprotected copy to ingest it';
  if (name === 'InvalidPDFException') return `not a valid PDF (${errorMessage(error)})`;
  if (name === 'TimeoutError') return `PDF parsing took longer than ${parseTimeoutMilliseconds / 1000} s; gave up`;
  return `could not read PDF: ${errorMessage(error)}`;
}

/** Rejects after the time limit; `onLate` tidies up a result that arrives after giving up. */
function withTimeout<T>(promise: Promise<T>, onLate?: (value: T) => void): Promise<T> {
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      const error = new Error('PDF parsing timed out');
      error.name = 'TimeoutError';
      reject(error);
    }, parseTimeoutMilliseconds);
  });
  promise.then(
    (value) => {
      if (timedOut) onLate?.(value);
    },
    () => undefined,
  );
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
