import type { DocumentLoader, LoadResult } from '../../spec/document-loader.js';
import { errorMessage } from '../../spec/errors.js';
import type { TextSection } from '../../spec/source-location.js';
import { officeDocument, openOfficeArchive } from './office/office-archive.js';
import { relationshipsOf } from './office/relationships.js';
import { readXml } from './office/xml-events.js';

const presentationPart = 'ppt/presentation.xml';

/**
 * PowerPoint: one section per slide, in the order the presentation shows them (numbered as
 * PowerPoint numbers them, hidden slides included), with the slide's title as its heading and
 * its speaker notes after its text. Slide numbers, dates and footers are placeholders, not content.
 */
export const pptxLoader: DocumentLoader = {
  format: 'PowerPoint',
  extensions: ['.pptx'],
  needsText: false,
  isolated: true,
  async load({ path, fileName, bytes, defaultCategory, maxInflatedBytes }): Promise<LoadResult> {
    const skip = (reason: string): LoadResult => ({ documents: [], skipped: [{ path, reason }] });
    const archive = openOfficeArchive(bytes, 'PowerPoint (.pptx)', presentationPart, maxInflatedBytes);
    if ('problem' in archive) return skip(archive.problem);
    const { entries } = archive;
    const sections: TextSection[] = [];
    try {
      for (const [index, slidePart] of slideParts(entries).entries()) {
        const slideBytes = entries.get(slidePart);
        if (!slideBytes) continue;
        const slide = shapeText(slideBytes, (placeholder) => !['sldNum', 'dt', 'ftr', 'hdr'].includes(placeholder));
        const notesPart = [...relationshipsOf(entries, slidePart).values()].find((rel) => rel.type === 'notesSlide');
        const notesBytes = notesPart && entries.get(notesPart.target);
        const notes = notesBytes ? shapeText(notesBytes, (placeholder) => placeholder === 'body').body : [];
        const lines = [...slide.body, ...(notes.length > 0 ? ['', ...notes] : [])];
        const text = [slide.title, ...lines]
          .filter((line) => line !== undefined)
          .join('\n')
          .trim();
        const number = index + 1;
        sections.push({
          kind: 'text',
          text,
          location: { slides: { from: number, to: number }, ...(slide.title ? { headings: [slide.title] } : {}) },
        });
      }
    } catch (error) {
      return skip(`could not read PowerPoint file: ${errorMessage(error)}`);
    }
    return officeDocument({ path, fileName, defaultCategory }, entries, 'docProps/core.xml', sections);
  },
};

/** Slide parts in presentation order, from the slide id list and its relationships. */
function slideParts(entries: ReadonlyMap<string, Uint8Array>): string[] {
  const relationships = relationshipsOf(entries, presentationPart);
  const parts: string[] = [];
  readXml(entries.get(presentationPart) as Uint8Array, {
    open: (name, attributes) => {
      if (name !== 'p:sldId') return;
      const relationship = relationships.get(attributes['r:id'] ?? '');
      if (relationship?.type === 'slide') parts.push(relationship.target);
    },
  });
  return parts;
}

/**
 * Paragraphs of a slide's (or notes page's) shapes: `a:p` paragraphs of `a:t` runs, `a:br` a
 * line break. `keepPlaceholder` decides by placeholder type (`title`, `body`, `sldNum`, …);
 * shapes that are not placeholders are kept unless only placeholders are wanted.
 */
function shapeText(
  bytes: Uint8Array,
  keepPlaceholder: (type: string) => boolean,
): { title: string | undefined; body: string[] } {
  const body: string[] = [];
  let title: string | undefined;
  let shapeDepth = 0;
  let placeholder: string | undefined;
  let paragraph: string | undefined;
  let inRun = false;
  const onlyPlaceholders = !keepPlaceholder('');
  readXml(bytes, {
    open: (name, attributes) => {
      if (name === 'p:sp') {
        shapeDepth++;
        placeholder = undefined;
      } else if (name === 'p:ph') placeholder = attributes.type ?? 'body';
      else if (name === 'a:p') paragraph = '';
      else if (name === 'a:t') inRun = true;
      else if (name === 'a:br' && paragraph !== undefined) paragraph += '\n';
      else if (name === 'a:tab' && paragraph !== undefined) paragraph += '\t';
    },
    close: (name) => {
      if (name === 'p:sp') shapeDepth--;
      else if (name === 'a:t') inRun = false;
      else if (name === 'a:p' && paragraph !== undefined) {
        const text = paragraph.trim();
        paragraph = undefined;
        const kept = placeholder === undefined ? !onlyPlaceholders : keepPlaceholder(placeholder);
        if (text === '' || !kept) return;
        if ((placeholder === 'title' || placeholder === 'ctrTitle') && shapeDepth > 0) {
          title = title === undefined ? text : `${title} ${text}`;
        } else body.push(text);
      }
    },
    text: (text) => {
      if (inRun && paragraph !== undefined) paragraph += text;
    },
  });
  return { title: title?.replace(/\s+/g, ' '), body };
}
