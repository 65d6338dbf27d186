import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import type { DocumentLoader, LoadResult } from '../../spec/document-loader.js';
import { errorMessage } from './error-message.js';
import { fileTitle } from './file-title.js';
import { documentFromSections } from './sections.js';

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;

/** pdf.js yields between pages, so a pathological file is abandoned rather than stalling ingest. */
const parseTimeoutMilliseconds = 60_000;

/**
 * Text of every page, via unpdf's serverless build of pdf.js: it runs in-process with no worker
 * file to fetch and no network access, and needs no canvas for text. Each page is a section, so
 * a chunk knows its pages; pages are separated by a blank line so chunking sees paragraphs.
 */
export const pdfLoader: DocumentLoader = {
  format: 'PDF',
  extensions: ['.pdf'],
  needsText: false,
  async load({ path, bytes, defaultCategory }): Promise<LoadResult> {
    const skip = (reason: string): LoadResult => ({ documents: [], skipped: [{ path, reason }] });
    let document: PdfDocument | undefined;
    try {
      // A copy, as a plain Uint8Array: pdf.js refuses Node Buffers and may detach what it is given.
      const opening = getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
      document = await withTimeout(opening, (late) => void late.destroy());
      const pages = (await withTimeout(extractText(document, { mergePages: false }))).text;
      const sections = pages.map((page, index) => ({
        kind: 'text' as const,
        text: page.trim(),
        location: { pages: { from: index + 1, to: index + 1 } },
      }));
      if (sections.every((section) => section.text === '')) {
        return skip('no extractable text (the PDF may be scanned images; run OCR on it first)');
      }
      const title = (await documentTitle(document)) ?? fileTitle(path);
      return {
        documents: [documentFromSections({ category: defaultCategory, title, source: path }, sections)],
        skipped: [],
      };
    } catch (error) {
      return skip(describePdfError(error));
    } finally {
      await document?.destroy().catch(() => undefined);
    }
  },
};

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
