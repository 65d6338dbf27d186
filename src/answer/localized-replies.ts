import { detectReplyLanguage } from '../text/scripts.js';

const refusals = {
  zh: '抱歉，知识库中没有找到能回答这个问题的文档。',
  ja: '申し訳ありません。ナレッジベースにこの質問に答えられる文書が見つかりませんでした。',
  ko: '죄송합니다. 지식 베이스에서 이 질문에 답할 문서를 찾지 못했습니다.',
  en: 'Sorry, I could not find a document in the knowledge base that answers this question.',
} as const;

const dontKnow = {
  zh: '我不知道。',
  ja: 'わかりません。',
  ko: '모르겠습니다.',
  en: "I don't know.",
} as const;

/** What gemma-rag says, without calling a model, when retrieval found nothing relevant. */
export function refusalMessage(question: string): string {
  return refusals[detectReplyLanguage(question)];
}

/** The phrase the model is told to use when the context lacks the answer. */
export function dontKnowPhrase(question: string): string {
  return dontKnow[detectReplyLanguage(question)];
}

/**
 * Other ways models phrase the same reply, per language, beside the phrase they are told to use.
 * Matched after normalization (see `isNotFoundReply`).
 */
const dontKnowVariants = [
  ...Object.values(dontKnow),
  'i do not know',
  'i dont know',
  '不知道',
  '我不清楚',
  '分かりません',
  'わかりかねます',
  '모릅니다',
];

const normalize = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replaceAll('’', "'")
    .replace(/[\s"'“”「」『』*_`]+/g, ' ')
    .replace(/[.。!！?？,，、:：;；…~\-\s]+$/u, '')
    .trim();

const phrases = [...new Set(dontKnowVariants.map(normalize))];

/**
 * How real instruct models say it without the phrase they were given (seen on Qwen2.5 0.5B and
 * SmolLM2 135M, issue 20): "The document (id) does not contain the answer …", "文档中没有提到…",
 * "文書には記載されていません". Only at the start of a short reply.
 */
const notFoundOpenings = [
  /^(?:the |these |this )?(?:provided |given |quoted )?(?:document|context|text|data|information)s?(?: [0-9a-f]{6,})? (?:does not|do not|doesn ?t|don ?t|did not) (?:contain|provide|mention|include|say|specify|state|answer)/u,
  /^(?:there is no|i cannot find|i can ?t find|i could not find|i couldn ?t find) (?:information|answer|mention)/u,
  /^(?:(?:根据|在)?(?:文档|文件|上下文|资料|context)(?:中|里)?[,，]?)(?:没有|未|并未|并没有|不)(?:包含|提供|提到|提及|说明|给出|找到)/u,
  /^(?:(?:文書|ドキュメント|資料|コンテキスト)(?:に|には|の中に|の中には)(?:は)?).{0,24}(?:ありません|含まれていません|記載されていません|書かれていません|見つかりません)/u,
  // "Wi-Fi password in the meeting rooms is not specified in the given context." (Qwen 0.5B)
  /^.{0,80}\b(?:is|are|was|were) not (?:specified|mentioned|provided|given|stated|included|available) in the (?:given |provided |quoted )?(?:context|documents?|text|data)/u,
  /^.{0,40}(?:在|于)(?:文档|文件|上下文|资料)(?:中|里)(?:没有|未|并未|并没有)(?:提到|提及|说明|给出|包含|找到)/u,
];

/**
 * Whether a grounded answer is the model saying the context does not contain the answer — in any
 * of our reply languages, whatever the question's. Either the phrase alone, or the phrase opening
 * a short reply ("I don't know. The context does not say."): a long answer that merely contains
 * "I don't know" somewhere is an answer.
 */
export function isNotFoundReply(answer: string): boolean {
  const text = normalize(answer);
  if (text === '') return false;
  if (text.length <= 160 && notFoundOpenings.some((opening) => opening.test(text))) return true;
  return phrases.some((phrase) => text === phrase || (text.startsWith(phrase) && text.length <= phrase.length + 60));
}
