// Elements that never contain others, and those whose end tag may be left out (an unclosed
// <p> or <li> does not nest the next one): neither deepens the tree.
const flatElements = new Set(
  (
    'area base br col embed hr img input link meta param source track wbr ' +
    'p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rb rt rp html head body'
  ).split(' '),
);
// Their content is text, not markup: a `<` in a script is not a tag.
const rawTextElements = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript']);
const tag = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][\w:-]*)\b[^>]*?(\/?)>/g;

/**
 * How deeply elements nest, from the tags alone, in one linear pass without building a DOM:
 * a page nested thousands of levels deep makes DOM-walking libraries recurse until the stack
 * overflows (html-to-text) or take minutes (Readability), so such a page is caught first.
 * An estimate: misnested end tags are matched to the nearest open element of their name.
 * Counting stops once the depth passes `stopAbove`.
 */
export function htmlNestingDepth(html: string, stopAbove = Number.POSITIVE_INFINITY): number {
  const lowerCase = html.toLowerCase();
  const open: string[] = [];
  let deepest = 0;
  tag.lastIndex = 0;
  for (let match = tag.exec(html); match !== null; match = tag.exec(html)) {
    const [, closing, rawName, selfClosing] = match;
    if (rawName === undefined) continue; // a comment
    const name = rawName.toLowerCase();
    if (closing) {
      const index = open.lastIndexOf(name);
      if (index >= 0) open.length = index;
      continue;
    }
    if (rawTextElements.has(name)) {
      const end = lowerCase.indexOf(`</${name}`, tag.lastIndex);
      tag.lastIndex = end < 0 ? html.length : end;
      continue;
    }
    if (selfClosing || flatElements.has(name)) continue;
    open.push(name);
    if (open.length > deepest) deepest = open.length;
    // Past the depth that matters the exact number does not: stop, keeping the pass cheap.
    if (deepest > stopAbove) break;
  }
  return deepest;
}
