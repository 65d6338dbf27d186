import { compile, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';
import type { TextSection } from '../../spec/source-location.js';
import { HeadingOutline } from './sections.js';

export const invisibleElements = ['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'object'];

/**
 * Headings leave the converter as a line starting with a private-use marker and the level, so
 * the plain text can be cut into sections afterwards. Private-use characters are removed from
 * the input first, so no document can fake a heading.
 */
const headingMark = '\uE000';
const privateUse = /[\uE000-\uF8FF]/g;

const markedHeading: FormatCallback = (element, walk, builder, formatOptions) => {
  builder.openBlock({ leadingLineBreaks: formatOptions.leadingLineBreaks ?? 2 });
  builder.addLiteral(`${headingMark}${String((element as { name?: string }).name ?? 'h1').slice(1)}`);
  walk(element.children, builder);
  builder.closeBlock({ trailingLineBreaks: formatOptions.trailingLineBreaks ?? 2 });
};

/**
 * Plain text that keeps paragraph breaks, without html-to-text's shouting: by default it
 * upper-cases headings and table headers, which changes what the embedding model sees.
 */
const textOptions: HtmlToTextOptions = {
  wordwrap: false,
  formatters: { markedHeading },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, format: 'markedHeading' })),
    { selector: 'table', options: { uppercaseHeaderCells: false } },
    ...invisibleElements.map((selector) => ({ selector, format: 'skip' })),
  ],
};
const htmlToMarkedText = compile(textOptions);

/** html-to-text's own input limit: past it, it cuts the text short with only a console warning. */
const maxHtmlLength = 16 * 1024 * 1024;

/**
 * The text of an HTML fragment or page, cut into sections at its headings (h1–h6). HTML longer
 * than the converter reads whole is refused, never cut short.
 */
export function htmlSections(html: string): TextSection[] {
  if (html.length > maxHtmlLength) {
    throw new Error(
      `its HTML is ${html.length.toLocaleString('en-US')} characters, more than the ${maxHtmlLength.toLocaleString('en-US')} the converter reads whole; nothing of it was indexed`,
    );
  }
  const outline = new HeadingOutline();
  for (const line of htmlToMarkedText(html.replace(privateUse, '')).split('\n')) {
    const heading = line.startsWith(headingMark) ? /^\uE000([1-6])(.*)$/.exec(line) : null;
    if (heading) outline.heading(Number(heading[1]), heading[2] ?? '');
    else outline.text(line);
  }
  return outline.sections();
}
