import { stem, stopWords } from '../text/stop-words.js';
import { hasCjk, words } from '../text/words.js';

/** A role label a model copies from the quoted conversation ("用户: …", "User: …"). */
const roleLabel =
  /^(?:user|assistant|human|ai|system|model|用户|用戶|助手|ユーザー|アシスタント|사용자|어시스턴트)\s*[:：]/iu;

/**
 * Words that tie a follow-up to what came before but name nothing themselves: "and", "那", "それで",
 * pronouns. A follow-up that has one of them, or almost no words of its own, needs the
 * conversation to be understood.
 */
const referringWords = new Set([
  ...'and but also then so about it its they them their that this those these there one ones he she him her'.split(' '),
  ...'那 那么 那个 这个 还有 它 它们 他们 她 这 那些 这些 呢 其他 另外'.split(' '),
  ...'それ それで では じゃあ これ あれ その この 彼 彼女 ほか 他'.split(' '),
]);

function contentWords(text: string): string[] {
  return words(text)
    .filter((word) => !stopWords.has(word) && !referringWords.has(word))
    .filter((word) => hasCjk(word) || word.length > 1)
    .map((word) => (hasCjk(word) ? word : stem(word)));
}

const compact = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

/** Whether a word of the follow-up is in the rewrite: as a word, or (CJK, where segmenters cut differently) as text. */
function keeps(rewrite: string, rewriteWords: ReadonlySet<string>, word: string): boolean {
  return rewriteWords.has(word) || (hasCjk(word) && compact(rewrite).includes(compact(word)));
}

/**
 * Why a model's rewrite of a follow-up cannot be used, or null when it can. Each rule is a
 * failure seen on a real instruct model (issue 20): the previous question copied back, with a
 * role label (`用户: 员工停车每个月多少钱？` for "那访客呢？"); the follow-up's own subject dropped;
 * the referent dropped ("And how early must I tell HR?" → "How early must I tell HR?" after a
 * parental-leave question); an answer or a continuation instead of a question.
 */
export function rewriteProblem(rewrite: string, followUp: string, earlier: readonly string[]): string | null {
  if (roleLabel.test(rewrite)) return 'the rewrite carries a role label';
  const asked = compact(rewrite);
  if (earlier.some((question) => compact(question) === asked) && compact(followUp) !== asked) {
    return 'the rewrite repeats an earlier question';
  }
  if (/[?？]\s*$/u.test(followUp) && !/[?？]\s*$/u.test(rewrite)) return 'the rewrite is not a question';
  const own = contentWords(followUp);
  const rewriteWords = new Set(contentWords(rewrite));
  const kept = own.filter((word) => keeps(rewrite, rewriteWords, word));
  if (own.length > 0 && kept.length * 2 < own.length) return "the rewrite drops the follow-up's subject";
  // An elliptic follow-up rewritten with no word of its own added ("And how early must I tell
  // HR?" → "How early must I tell HR?") still needs the conversation. A rewrite that adds words
  // changes the topic at worst, and retrieval and the gate then judge what it asks.
  const referring = words(followUp).some((word) => referringWords.has(word)) || own.length <= 1;
  const added = [...rewriteWords].filter((word) => !own.includes(word) && !keeps(followUp, new Set(own), word));
  if (referring && earlier.length > 0 && added.length === 0) return 'the rewrite adds nothing from the conversation';
  return null;
}
