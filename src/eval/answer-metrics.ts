import { compactForComparison, normalizeForComparison } from '../text/compare-text.js';
import { cjkRuns, detectReplyLanguage, hasCjk, type ReplyLanguage } from '../text/scripts.js';

/** How answers are compared with gold spans (src/text/compare-text.ts). */
export const normalizeAnswer = normalizeForComparison;
const compact = compactForComparison;

/** Whether the answer contains one of the gold answers (normalized; spaces and punctuation ignored). */
export function containsGold(answer: string, golds: readonly string[]): boolean {
  const haystack = compact(answer);
  return golds.some((gold) => {
    const needle = compact(gold);
    return needle !== '' && haystack.includes(needle);
  });
}

/**
 * Tokens for F1: words of Latin-like scripts, single characters of CJK (SQuAD's F1 counts words,
 * which Chinese and Japanese do not separate).
 */
export function answerTokens(text: string): string[] {
  const normalized = normalizeAnswer(text);
  if (!hasCjk(normalized)) return normalized.split(' ').filter((token) => token !== '');
  const tokens: string[] = [];
  for (const part of normalized.split(' ')) {
    if (part === '') continue;
    if (!hasCjk(part)) {
      tokens.push(part);
      continue;
    }
    // Keep Latin/digit runs whole between CJK characters: "2015年" → 2015, 年.
    let rest = part;
    for (const run of cjkRuns(part)) {
      const at = rest.indexOf(run);
      if (at > 0) tokens.push(rest.slice(0, at));
      tokens.push(...run);
      rest = rest.slice(at + run.length);
    }
    if (rest !== '') tokens.push(rest);
  }
  return tokens;
}

/** SQuAD-style token F1 of the answer against its best gold answer, in [0, 1]. */
export function tokenF1(answer: string, golds: readonly string[]): number {
  const predicted = answerTokens(answer);
  let best = 0;
  for (const gold of golds) {
    const expected = answerTokens(gold);
    if (predicted.length === 0 || expected.length === 0) continue;
    const counts = new Map<string, number>();
    for (const token of expected) counts.set(token, (counts.get(token) ?? 0) + 1);
    let common = 0;
    for (const token of predicted) {
      const left = counts.get(token) ?? 0;
      if (left > 0) {
        common++;
        counts.set(token, left - 1);
      }
    }
    if (common === 0) continue;
    const precision = common / predicted.length;
    const recall = common / expected.length;
    best = Math.max(best, (2 * precision * recall) / (precision + recall));
  }
  return best;
}

/**
 * The language an answer is written in, by script, for "answered in the question's language":
 * null when it has no letters at all (a bare number fits any language).
 */
export function answerLanguage(answer: string): ReplyLanguage | null {
  if (!/\p{L}/u.test(answer)) return null;
  return detectReplyLanguage(answer);
}
