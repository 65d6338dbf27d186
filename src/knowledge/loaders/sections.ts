import type { LoadedDocument } from '../../spec/document-loader.js';
import type { DocumentSection, TextSection } from '../../spec/source-location.js';

/** The text a section contributes to its document: a table is its header line, then its rows. */
export function sectionText(section: DocumentSection): string {
  if (section.kind === 'text') return section.text;
  return [section.header, ...section.rows.map((row) => row.text)].join('\n');
}

/** A document whose content is its sections' texts, so what is shown and hashed is what is chunked. */
export function documentFromSections(
  identity: Pick<LoadedDocument, 'category' | 'title' | 'source'>,
  sections: readonly DocumentSection[],
): LoadedDocument {
  const kept = sections.filter((section) => sectionText(section).trim() !== '');
  return { ...identity, content: kept.map(sectionText).join('\n\n'), sections: kept };
}

/**
 * Collects headings and the text under them into sections that each know their heading path
 * ("3 Leave › 3.2 Annual leave"). A heading belongs to the section it opens, so its words are
 * embedded with the text they introduce; a heading with nothing under it but a subheading is
 * carried into the subheading's section rather than becoming a chunk of one line. Text before
 * the first heading has an empty path.
 */
export class HeadingOutline {
  readonly #sections: TextSection[] = [];
  /** Open headings by level; a new heading closes every heading at its level or deeper. */
  readonly #path: Array<{ level: number; text: string }> = [];
  #lines: string[] = [];
  /** Whether `#lines` holds anything besides headings. */
  #hasBody = false;

  /** `line` is how the heading reads in the text (e.g. `## 3.2 Annual leave` in Markdown); default `text`. */
  heading(level: number, text: string, line = text): void {
    const title = text.replace(/\s+/g, ' ').trim();
    if (title === '') return;
    if (this.#hasBody) this.#flush();
    while ((this.#path.at(-1)?.level ?? 0) >= level) this.#path.pop();
    this.#path.push({ level, text: title });
    this.#lines.push(line.trim());
  }

  text(text: string): void {
    this.#lines.push(text);
    if (text.trim() !== '') this.#hasBody = true;
  }

  sections(): TextSection[] {
    this.#flush();
    return this.#sections;
  }

  #flush(): void {
    const text = this.#lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    this.#lines = [];
    this.#hasBody = false;
    if (text === '') return;
    const headings = this.#path.map((heading) => heading.text);
    this.#sections.push({ kind: 'text', text, location: headings.length > 0 ? { headings } : {} });
  }
}
