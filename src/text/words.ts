import { cjkRuns, hasCjk } from './scripts.js';

// One segmenter for all scripts: ICU's word breaker uses its dictionaries for Han and Kana
// whatever the locale, so Chinese and Japanese come out as words, not single characters.
const wordSegmenter = new Intl.Segmenter('und', { granularity: 'word' });

/** Case- and width-folded form used for matching (full-width Ａ → a, ｶ → カ). */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Word-like segments of folded text, in order. Punctuation and spaces are dropped. */
export function words(text: string): string[] {
  const result: string[] = [];
  for (const segment of wordSegmenter.segment(foldText(text))) {
    if (segment.isWordLike) result.push(segment.segment);
  }
  return result;
}

/**
 * Adjacent character pairs inside each CJK run. They make matching robust to the
 * segmenter's choices: 重置密码 and 密码重置 share 密码 even if segmented differently.
 */
export function cjkBigrams(text: string): string[] {
  const result: string[] = [];
  for (const run of cjkRuns(foldText(text))) {
    const characters = Array.from(run);
    for (let index = 0; index + 1 < characters.length; index++) {
      result.push(`${characters[index]}${characters[index + 1]}`);
    }
  }
  return result;
}

export { hasCjk };
