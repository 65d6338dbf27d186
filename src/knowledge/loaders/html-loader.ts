import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { DocumentLoader, LoadResult } from '../../spec/document-loader.js';
import { fileTitle } from './file-title.js';
import { htmlSections, invisibleElements } from './html-sections.js';
import { documentFromSections } from './sections.js';

/**
 * The main content of a web page, as readability (Firefox's reader view) finds it, so that
 * navigation, footers and sidebars do not end up in the index. Pages where it finds nothing
 * (fragments, very short pages) fall back to all of the body's text. Sections follow h1–h6.
 */
export const htmlLoader: DocumentLoader = {
  format: 'HTML',
  extensions: ['.html', '.htm'],
  needsText: true,
  async load({ path, text, defaultCategory }): Promise<LoadResult> {
    const { document } = parseHTML(text);
    document.querySelectorAll(invisibleElements.join(',')).forEach((element) => {
      element.remove();
    });
    const pageTitle = clean(document.querySelector('title')?.textContent);
    const firstHeading = clean(document.querySelector('h1')?.textContent);

    let article: ReturnType<Readability['parse']> = null;
    try {
      article = new Readability(document as unknown as Document).parse();
    } catch {
      // Readability assumes a browser DOM; if linkedom's falls short, the fallback still has the text.
    }
    const articleSections = article?.content ? htmlSections(article.content) : [];
    const sections = articleSections.length > 0 ? articleSections : htmlSections(text);
    const title = clean(article?.title) ?? pageTitle ?? firstHeading ?? fileTitle(path);
    return {
      documents: [documentFromSections({ category: defaultCategory, title, source: path }, sections)],
      skipped: [],
    };
  },
};

function clean(text: string | null | undefined): string | undefined {
  const collapsed = text?.replace(/\s+/g, ' ').trim();
  return collapsed ? collapsed : undefined;
}
