import type { SourceLocation } from '../spec/source-location.js';

/** Character trigrams of a text, case and spacing folded: they match in any language, CJK included. */
function grams(text: string, size = 3): Set<string> {
  const folded = text.toLowerCase().replace(/\s+/g, ' ').trim();
  const result = new Set<string>();
  for (let index = 0; index + size <= folded.length; index++) result.add(folded.slice(index, index + size));
  return result;
}

/**
 * The page of a multi-page chunk that an answer quotes: the page whose text shares the most
 * character trigrams with the answer, when one clearly does (more than any other page, and at
 * least a few). Undefined for a chunk on one page, or when no page stands out.
 */
export function quotedPage(
  chunk: { text: string; location?: SourceLocation | undefined },
  answer: string,
): number | undefined {
  const pages = chunk.location?.pages;
  const starts = chunk.location?.pageStarts;
  if (!pages || !starts || starts.length === 0 || pages.to === pages.from) return undefined;
  const boundaries = [{ page: pages.from, offset: 0 }, ...starts];
  const quoted = grams(answer);
  const shared = boundaries.map(({ page, offset }, index) => {
    const end = boundaries[index + 1]?.offset ?? chunk.text.length;
    let count = 0;
    for (const gram of grams(chunk.text.slice(offset, end))) if (quoted.has(gram)) count++;
    return { page, count };
  });
  const [best, second] = [...shared].sort((left, right) => right.count - left.count);
  const minimumShared = 2;
  if (!best || best.count < minimumShared || (second && second.count >= best.count)) return undefined;
  return best.page;
}
