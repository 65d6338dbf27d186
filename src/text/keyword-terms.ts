import { stem, stopWords } from './stop-words.js';
import { cjkBigrams, hasCjk, words } from './words.js';

/**
 * Terms for keyword search in any script: words from ICU's segmenter (dictionary-based for
 * Chinese and Japanese), with English suffixes folded, plus character pairs of every CJK run
 * so that a query sharing only a two-character word still matches even where the segmenter
 * cut differently. Whitespace tokenizers find nothing in CJK text; this is the fix.
 */
export function keywordTerms(text: string): string[] {
  const terms: string[] = [];
  for (const word of words(text)) {
    if (stopWords.has(word)) continue;
    terms.push(hasCjk(word) ? word : stem(word));
  }
  for (const bigram of cjkBigrams(text)) if (!stopWords.has(bigram)) terms.push(bigram);
  return terms;
}

/** Longer tokens (base64, hashes) are never searched for, and PostgreSQL refuses lexemes over 2 KB. */
const maxTokenLength = 100;
const tokenCharacters = /[\p{L}\p{N}\p{Co}]+/gu;

/**
 * What keyword search indexes and matches: the terms above, cut wherever SQLite's unicode61
 * tokenizer cuts (at anything but letters, numbers and private-use characters), so that the
 * SQLite and PostgreSQL stores index exactly the same tokens and rank alike.
 */
export function keywordTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const term of keywordTerms(text)) {
    for (const [token] of term.matchAll(tokenCharacters)) {
      if (token.length <= maxTokenLength) tokens.push(token);
    }
  }
  return tokens;
}
