import type { DocumentLoader, LoadResult } from '../../spec/document-loader.js';
import { errorMessage } from '../../spec/errors.js';
import { officeDocument, openOfficeArchive } from './office/office-archive.js';
import { readXml } from './office/xml-events.js';
import { HeadingOutline } from './sections.js';

/** Content that is not the document's text: comments, deleted tracked changes, the index of figures. */
const skippedElements = new Set([
  'office:annotation',
  'text:tracked-changes',
  'text:sequence-decls',
  'text:table-of-content',
  'text:illustration-index',
]);

/**
 * OpenDocument text (LibreOffice, Google Docs export): `text:h` headings with their outline
 * level open sections, `text:p` paragraphs (in lists, tables, frames and notes too) fill them.
 */
export const odtLoader: DocumentLoader = {
  format: 'OpenDocument text',
  extensions: ['.odt'],
  needsText: false,
  isolated: true,
  async load({ path, fileName, bytes, defaultCategory, maxInflatedBytes }): Promise<LoadResult> {
    const skip = (reason: string): LoadResult => ({ documents: [], skipped: [{ path, reason }] });
    const archive = openOfficeArchive(bytes, 'OpenDocument text (.odt)', 'content.xml', maxInflatedBytes);
    if ('problem' in archive) return skip(archive.problem);
    const outline = new HeadingOutline();
    try {
      readContent(archive.entries.get('content.xml') as Uint8Array, outline);
    } catch (error) {
      return skip(`could not read OpenDocument text: ${errorMessage(error)}`);
    }
    const sections = outline.sections();
    return officeDocument({ path, fileName, defaultCategory }, archive.entries, 'meta.xml', sections);
  },
};

function readContent(bytes: Uint8Array, outline: HeadingOutline): void {
  let skipping = 0;
  /** The outermost open paragraph or heading; paragraphs nested in it (notes, frames) join it. */
  let block: { heading: number | undefined; text: string; depth: number } | undefined;
  let depth = 0;
  readXml(bytes, {
    open: (name, attributes) => {
      depth++;
      if (skipping > 0 || skippedElements.has(name)) {
        skipping++;
        return;
      }
      if (name === 'text:h' || name === 'text:p') {
        if (block) block.text += ' ';
        else {
          const level = name === 'text:h' ? Number(attributes['text:outline-level'] ?? 1) || 1 : undefined;
          block = { heading: level, text: '', depth };
        }
      } else if (block && name === 'text:s')
        block.text += ' '.repeat(Math.min(Number(attributes['text:c'] ?? 1) || 1, 100));
      else if (block && name === 'text:tab') block.text += '\t';
      else if (block && name === 'text:line-break') block.text += '\n';
    },
    close: () => {
      if (skipping > 0) skipping--;
      else if (block && block.depth === depth) {
        if (block.heading !== undefined) outline.heading(Math.min(block.heading, 6), block.text);
        else outline.text(block.text.trim());
        block = undefined;
      }
      depth--;
    },
    text: (text) => {
      if (skipping === 0 && block) block.text += text;
    },
  });
}
