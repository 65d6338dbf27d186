/**
 * Function words that carry no topic: they would make every question match every text.
 * Kept small on purpose (English, Chinese, Japanese particles); BM25's IDF handles the rest.
 */
export const stopWords: ReadonlySet<string> = new Set([
  ...'a an and are as at be by can do does for from get have how i if in is it me my of on or our should the to we what when where which who why will with you your'.split(
    ' ',
  ),
  ...'的 了 吗 呢 是 在 我 你 他 有 和 与 怎么 什么 如何 可以 吧 啊 の は を が に で と も か ます です した して ありま すか'.split(
    ' ',
  ),
]);

/** Crude English suffix folding so that "booking", "booked" and "books" meet "book". */
export function stem(word: string): string {
  if (word.length <= 4) return word;
  return word.replace(/(ing|ed|es|s)$/, '');
}
