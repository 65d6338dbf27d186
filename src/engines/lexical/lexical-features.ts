import { cjkBigrams, hasCjk, words } from '../../text/words.js';

/**
 * Function words that would otherwise make every question look alike. Kept tiny on
 * purpose: this engine is a stand-in, not a search engine.
 */
const stopWords = new Set([
  ...'a an and are as at be by can do does for from get have how i if in is it me my of on or our should the to we what when where which who why will with you your'.split(
    ' ',
  ),
  ...'的 了 吗 呢 是 在 我 你 他 有 和 与 怎么 什么 如何 可以 吧 啊 の は を が に で と も か ます です した して ありま すか'.split(
    ' ',
  ),
]);

/** Crude English suffix folding so that "booking", "booked" and "books" meet "book". */
function stem(word: string): string {
  if (word.length <= 4) return word;
  return word.replace(/(ing|ed|es|s)$/, '');
}

/**
 * Weighted features of a text: whole words (stop words down-weighted, English suffixes
 * folded) and, for Chinese and Japanese, adjacent character pairs so that matching does
 * not depend on where the segmenter put word boundaries. Few features per text keeps
 * hash collisions rare in 768 buckets.
 */
export function lexicalFeatures(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string, weight: number) => {
    counts.set(feature, (counts.get(feature) ?? 0) + weight);
  };
  for (const word of words(text)) {
    const weight = stopWords.has(word) ? 0.1 : 1;
    add(`w:${hasCjk(word) ? word : stem(word)}`, weight);
  }
  for (const bigram of cjkBigrams(text)) add(`b:${bigram}`, 0.5);
  return counts;
}
