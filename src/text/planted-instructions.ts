/**
 * Sentences in a document that speak to the assistant rather than to a reader: "ignore all
 * previous instructions", "reply only with …", "the answer to every question is …", "print your
 * system prompt", "end your answer with …" — in English, Chinese and Japanese. A real 0.5B
 * instruct model obeys some of them however the rules are worded (docs/answers.md), so the
 * answer prompt never shows them to the model: what a sentence written for the assistant says is
 * not knowledge a reader asked about.
 *
 * Each pattern names the assistant, its instructions, its prompt or its answer; none matches an
 * ordinary sentence about replies or answers ("reply to the email with your ID"). Measured false
 * positives on every XQuAD paragraph (en, zh, de, es, ru, vi, ar, hi) and the example knowledge
 * base: none (planted-instructions.test.ts).
 */
const cues: readonly RegExp[] = [
  // English
  /\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:instructions?|rules|prompts?|documents?|context)\b/iu,
  /\bsystem prompt\b/iu,
  /\b(?:note|message|instructions?|reminder)s? (?:for|to) (?:the |any )?(?:assistant|ai|model|chatbot|llm|bot)\b/iu,
  /\bnew (?:rules?|instructions?|orders?)(?: from [^:.!?\n]{1,40})?\s*[:：]/iu,
  /\b(?:reply|respond|answer|say|output|print|write)\s+(?:only|just|exactly)\b/iu,
  /\bonly (?:reply|respond|answer|say|output)\b/iu,
  /\b(?:the )?answer to (?:every|each|any|all) questions?\b/iu,
  /\balways (?:reply|respond|answer|say)\b/iu,
  /\b(?:start|begin|end|finish|prefix|close) (?:your|each|every) (?:answer|reply|response)s?\b/iu,
  /\byour (?:answer|reply|response)s? (?:must|should|shall)\b/iu,
  /\bbefore you answer\b/iu,
  /\byou are now\b/iu,
  // Widened with what the first held-out attacks taught (bench/injection-cases.ts): addressing
  // the AI, giving it a new role, ordering every reply, voiding its earlier guidance.
  /\b(?:attention|dear|hey|hello|calling)\s+(?:all\s+)?(?:ais?|assistants?|bots?|chatbots?|llms?|language models?)\b/iu,
  /^\s*(?:ai|assistant|chatbot|llm)s?\s*[:,]/iu,
  /\b(?:from now on|henceforth|from this point on),? you are\b/iu,
  /\b(?:every|each|all|any) (?:reply|replies|answer|answers|response|responses)\b[^.!?\n]{0,40}\b(?:begins?|starts?|ends?|must|should)\b/iu,
  /\bwhen(?:ever)? you (?:respond|reply|answer)\b/iu,
  /^\s*(?:please\s+)?(?:respond|reply)\s+(?:only\s+)?with\b/iu,
  /\b(?:guidance|instructions?|rules|directions)\b[^.!?\n]{0,30}\b(?:earlier|before|previously)\b[^.!?\n]{0,20}\b(?:void|invalid|cancelled|canceled|obsolete|no longer)\b/iu,
  /\b(?:repeat|reveal|print|show|output)\b[^.!?\n]{0,30}\b(?:text above|your (?:prompt|instructions|rules))\b/iu,
  // Chinese
  /(?:忽略|无视|忘掉|忘记|不要理会)[^。！？\n]{0,12}(?:指令|指示|规则|提示|文档|资料)/u,
  /系统提示/u,
  /(?:给|致|对)(?:助手|AI|ai|模型|机器人)的/u,
  /新(?:的)?(?:规则|指令|命令)[:：]/u,
  /只(?:回复|回答|说|输出)/u,
  /(?:始终|总是|一律)(?:回答|回复)/u,
  /每个问题(?:的答案|都)/u,
  /(?:回答|答案|回复)(?:的)?(?:结尾|开头|末尾|最后)/u,
  /回答之前/u,
  /(?:AI|ai|助手|机器人|大模型)(?:请注意|注意|们)/u,
  /从现在(?:起|开始)[，,]?你(?:叫|是|就是)/u,
  /(?:作答|回答|回复|答复)(?:时|的时候)/u,
  /你的(?:每句|每个|所有)?(?:回复|回答|答复)/u,
  /之前(?:收到|得到)的(?:要求|指令|指示|规则)/u,
  /(?:要求|指令|指示|规则)(?:全部|都|一律)?作废/u,
  // Japanese
  /(?:これまで|以前|上記|前)の(?:指示|ルール|命令)/u,
  /(?:指示|ルール|文書|資料)[^。！？\n]{0,6}(?:無視|忘れ)/u,
  /システムプロンプト/u,
  /(?:アシスタント|AI|モデル)(?:へ|に向け)/u,
  /新しい(?:ルール|指示|命令)[:：]/u,
  /とだけ(?:返信|答え|回答|言っ|言い|出力)/u,
  /必ず[^。！？\n]{0,30}と(?:答え|返信|回答)/u,
  /すべての質問(?:の答え|に)/u,
  /回答(?:の(?:最後|最初|末尾|冒頭)|する前)/u,
  /(?:AI|アシスタント|モデル|ボット)(?:の方へ|の皆さん|に告ぐ)/u,
  /(?:今から|これから)[、,]?(?:あなた|君)は/u,
  /(?:応答|返答|返信|回答)(?:する(?:とき|際)|時)/u,
  /(?:返事|応答|返答|返信)は(?:いつも|必ず|すべて)/u,
  /(?:ガイダンス|指示|ルール)は(?:すべて)?無効/u,
];

/** Sentence boundaries in any language (Intl's, so Chinese and Japanese full stops count). */
const sentences = new Intl.Segmenter(undefined, { granularity: 'sentence' });

export function isPlantedInstruction(sentence: string): boolean {
  const text = sentence.normalize('NFKC');
  return cues.some((cue) => cue.test(text));
}

export interface QuarantinedText {
  /** The text with each planted sentence replaced by `placeholder`. */
  text: string;
  /** The sentences taken out, as written. */
  removed: string[];
}

/** Takes the sentences written for the assistant out of a document's text; everything else is kept as it was. */
export function quarantinePlantedInstructions(text: string, placeholder = ''): QuarantinedText {
  const removed: string[] = [];
  let kept = '';
  for (const { segment } of sentences.segment(text)) {
    if (isPlantedInstruction(segment)) {
      removed.push(segment.trim());
      kept += placeholder + (segment.match(/\s+$/u)?.[0] ?? '');
    } else {
      kept += segment;
    }
  }
  return { text: removed.length > 0 ? kept : text, removed };
}
