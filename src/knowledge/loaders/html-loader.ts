import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { DocumentLoader, LoadResult } from '../../spec/document-loader.js';
import { fileTitle } from './file-title.js';
import { htmlNestingDepth } from './html-depth.js';
import { htmlSections, invisibleElements } from './html-sections.js';
import { documentFromSections } from './sections.js';

/**
 * Browsers stop nesting elements at 512 levels; deeper is generated or hostile, and the
 * libraries below recurse per level (html-to-text overflows the stack at a few thousand).
 */
export const maxHtmlDepth = 512;
/** Readability's time grows steeply with depth (0.4 s at 48 levels, 17 s at 600): deeper pages skip it. */
const maxReadabilityDepth = 64;
/** Readability gives up (throws) on pages with more elements; the fallback still has the text. */
const maxReadabilityElements = 50_000;

/**
 * The main content of a web page, as readability (Firefox's reader view) finds it, so that
 * navigation, footers and sidebars do not end up in the index. Pages where it finds nothing
 * (fragments, very short pages) fall back to all of the body's text. Sections follow h1–h6.
 */
export const htmlLoader: DocumentLoader = {
  format: 'HTML',
  extensions: ['.html', '.htm'],
  needsText: true,
  async load({ path, fileName, text, defaultCategory }): Promise<LoadResult> {
    const depth = htmlNestingDepth(text, maxHtmlDepth);
    if (depth > maxHtmlDepth) {
      return {
        documents: [],
        skipped: [
          { path, reason: `HTML nested more than ${maxHtmlDepth} levels deep (browsers stop nesting there too)` },
        ],
      };
    }
    const { document } = parseHTML(text);
    document.querySelectorAll(invisibleElements.join(',')).forEach((element) => {
      element.remove();
    });
    const pageTitle = clean(document.querySelector('title')?.textContent);
    const firstHeading = clean(document.querySelector('h1')?.textContent);

    let article: ReturnType<Readability['parse']> = null;
    if (depth <= maxReadabilityDepth) {
      try {
        article = new Readability(document as unknown as Document, { maxElemsToParse: maxReadabilityElements }).parse();
      } catch {
        // Readability assumes a browser DOM; if linkedom's falls short, the fallback still has the text.
      }
    }
    const articleSections = article?.content ? htmlSections(article.content) : [];
    const sections = articleSections.length > 0 ? articleSections : htmlSections(text);
    const title = clean(article?.title) ?? pageTitle ?? firstHeading ?? fileTitle(fileName ?? path);
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
