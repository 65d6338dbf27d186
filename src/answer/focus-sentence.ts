import { keywordTerms } from '../text/keyword-terms.js';
import { sentencesOf } from '../text/sentences.js';

/**
 * The sentence of a document that shares the most with the question, terms weighted by how few
 * of the document's sentences hold them (a name the question and one sentence share counts more
 * than a word every sentence has). Null when the document is one sentence or shares nothing.
 * Small readers pick the wrong number or name from the right paragraph (docs/answers.md); the
 * focus prompt points them at the sentence retrieval would pick.
 */
export function focusSentence(question: string, text: string): string | null {
  const wanted = new Set(keywordTerms(question));
  const parts = sentencesOf(text);
  if (wanted.size === 0 || parts.length < 2) return null;
  const termsOf = parts.map((part) => new Set(keywordTerms(part)));
  const frequency = new Map<string, number>();
  for (const terms of termsOf) for (const term of terms) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  let best: { score: number; index: number } = { score: 0, index: -1 };
  termsOf.forEach((terms, index) => {
    let score = 0;
    for (const term of wanted) if (terms.has(term)) score += Math.log(1 + parts.length / (frequency.get(term) ?? 1));
    if (score > best.score) best = { score, index };
  });
  return best.index < 0 ? null : (parts[best.index] ?? null);
}
