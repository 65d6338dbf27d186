import { cjkBigrams, hasCjk, words } from '../../text/words.js';

/** Function words that would otherwise make every English question look alike. */
const englishStopWords = new Set(
  'a an and are as at be by can do does for from have how i if in is it me my of on or our should the to we what when where which who why will with you your'.split(
    ' ',
  ),
);

/**
 * Weighted features of a text: whole words, CJK character pairs and single CJK
 * characters, and character trigrams of Latin-script words (so "reset" meets "resetting").
 */
export function lexicalFeatures(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string, weight: number) => {
    counts.set(feature, (counts.get(feature) ?? 0) + weight);
  };
  for (const word of words(text)) {
    if (hasCjk(word)) {
      add(`w:${word}`, 1);
      for (const character of word) add(`c:${character}`, 0.25);
      continue;
    }
    const weight = englishStopWords.has(word) ? 0.1 : 1;
    add(`w:${word}`, weight);
    const padded = `<${word}>`;
    if (padded.length > 4) {
      for (let index = 0; index + 3 <= padded.length; index++) {
        add(`t:${padded.slice(index, index + 3)}`, weight * 0.3);
      }
    }
  }
  for (const bigram of cjkBigrams(text)) add(`b:${bigram}`, 1);
  return counts;
}
