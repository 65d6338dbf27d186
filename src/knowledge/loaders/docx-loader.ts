import type { DocumentLoader, LoadResult } from '../../spec/document-loader.js';
import { errorMessage } from '../../spec/errors.js';
import { htmlSections } from './html-sections.js';
import { storedZip } from './office/bounded-zip.js';
import { officeDocument, openOfficeArchive } from './office/office-archive.js';

/**
 * Word documents through mammoth, which maps Word's heading styles to h1–h6 (whatever language
 * the style names were shown in) and keeps lists, tables and footnotes as text; sections then
 * follow the headings. mammoth is loaded on first use, so other formats do not pay for it.
 */
export const docxLoader: DocumentLoader = {
  format: 'Word',
  extensions: ['.docx'],
  needsText: false,
  isolated: true,
  async load({ path, fileName, bytes, defaultCategory, maxInflatedBytes }): Promise<LoadResult> {
    const skip = (reason: string): LoadResult => ({ documents: [], skipped: [{ path, reason }] });
    const archive = openOfficeArchive(bytes, 'Word (.docx)', 'word/document.xml', maxInflatedBytes);
    if ('problem' in archive) return skip(archive.problem);
    const { default: mammoth } = await import('mammoth');
    let html: string;
    try {
      const result = await mammoth.convertToHtml(
        { buffer: Buffer.from(storedZip(archive.entries)) },
        // Images are never read: their bytes would become data URLs in the HTML, and carry no text.
        { convertImage: mammoth.images.imgElement(async () => ({ src: '' })) },
      );
      html = result.value;
    } catch (error) {
      return skip(`could not read Word document: ${errorMessage(error)}`);
    }
    const sections = htmlSections(html);
    return officeDocument({ path, fileName, defaultCategory }, archive.entries, 'docProps/core.xml', sections);
  },
};
