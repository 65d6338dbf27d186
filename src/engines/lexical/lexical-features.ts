import { stem, stopWords } from '../../text/stop-words.js';
import { cjkBigrams, hasCjk, words } from '../../text/words.js';

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
