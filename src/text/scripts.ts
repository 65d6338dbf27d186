/** Han, Hiragana, Katakana, Hangul: scripts written without spaces between words. */
const cjkCharacter = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30FC]/u;
const cjkRun = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30FC]+/gu;

export function hasCjk(text: string): boolean {
  return cjkCharacter.test(text);
}

/** Maximal runs of CJK characters, in order. */
export function cjkRuns(text: string): string[] {
  return text.match(cjkRun) ?? [];
}

export type ReplyLanguage = 'zh' | 'ja' | 'ko' | 'en';

/** The language a reply to this text should be in, from its script alone. */
export function detectReplyLanguage(text: string): ReplyLanguage {
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'ja';
  if (/\p{Script=Hangul}/u.test(text)) return 'ko';
  if (/\p{Script=Han}/u.test(text)) return 'zh';
  return 'en';
}
