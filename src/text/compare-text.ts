/**
 * Text as answers and questions are compared: NFKC, lower case, punctuation and symbols dropped,
 * spaces collapsed. NFKC folds full-width digits and letters (２０１５ → 2015) first.
 */
export function normalizeForComparison(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Without any spaces: CJK text is written without them, and "1,000" vs "1000" must match too. */
export function compactForComparison(text: string): string {
  return normalizeForComparison(text).replace(/\s+/gu, '');
}
