/**
 * Page furniture that a PDF repeats on most pages — a browser's print header ("12/7/26, 5:19 AM
 * Handbook"), a running title, "Page 3 of 12", a confidentiality footer — is noise in every
 * chunk and gets quoted in answers. A line is such furniture when, with its digits set aside
 * (page numbers and dates change from page to page), it opens or closes most pages.
 */

/** How many lines at the top and at the bottom of a page can be a header or a footer. */
const edgeLines = 3;
/** Fewer pages than this cannot tell furniture from a coincidence. */
const minimumPages = 3;
/** The share of pages a line must appear on, at an edge, to be furniture. */
const mostPages = 0.6;

/** A line with its digit runs replaced, so "Page 3 of 12" and "Page 4 of 12" are one line. */
function shapeOf(line: string): string {
  return line.trim().replace(/\s+/g, ' ').replace(/\d+/g, '#');
}

function edgeIndexes(lines: readonly string[]): number[] {
  const filled = lines.flatMap((line, index) => (line.trim() === '' ? [] : [index]));
  return [...new Set([...filled.slice(0, edgeLines), ...filled.slice(-edgeLines)])];
}

/** The pages without the lines that open or close most of them; a page that was only furniture becomes empty. */
export function withoutRunningLines(pages: readonly string[]): string[] {
  const withText = pages.filter((page) => page.trim() !== '');
  if (withText.length < minimumPages) return [...pages];
  const pagesPerShape = new Map<string, number>();
  for (const page of withText) {
    const lines = page.split('\n');
    for (const shape of new Set(edgeIndexes(lines).map((index) => shapeOf(lines[index] ?? '')))) {
      pagesPerShape.set(shape, (pagesPerShape.get(shape) ?? 0) + 1);
    }
  }
  const needed = Math.max(minimumPages, Math.ceil(withText.length * mostPages));
  const furniture = new Set([...pagesPerShape].filter(([, count]) => count >= needed).map(([shape]) => shape));
  if (furniture.size === 0) return [...pages];
  const cleaned = pages.map((page) => {
    const lines = page.split('\n');
    const edges = new Set(edgeIndexes(lines));
    return lines
      .filter((line, index) => !(edges.has(index) && furniture.has(shapeOf(line))))
      .join('\n')
      .trim();
  });
  // Short pages of one repeated shape ("Step 1 …", "Step 2 …") are content, not furniture:
  // a rule that would empty most pages is wrong about this document.
  const emptied = cleaned.filter((page, index) => page === '' && (pages[index] ?? '').trim() !== '').length;
  return emptied * 2 > withText.length ? [...pages] : cleaned;
}
