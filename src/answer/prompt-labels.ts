import { answerRules } from './answer-rules.js';

/** The label before the focus sentence in the `seed-focus` prompt (grounded-prompt.ts). */
export const focusLabel = '最相关的句子：';

const questionLabels = Object.values(answerRules).map((wording) => wording.question);
const languageNames = Object.values(answerRules.zh.languageNames);
/**
 * One label the grounded prompts write — before the data, the focus sentence, the question, or
 * the sentence naming the reply's language — at the start of a text.
 */
const leadingLabel = new RegExp(
  `^\\s*(?:(?:CONTEXT|${questionLabels.join('|')}|${focusLabel.slice(0, -1)})\\s*[:：]|请用(?:${languageNames.join('|')})回答\\s*[。：:]?)\\s*`,
  'iu',
);

/**
 * A model's text without the prompt's labels it read back at its start ("最相关的句子：…",
 * "请用中文回答。\nCONTEXT:\n…": SmolLM2 on the injection bench, 1 of 720 Qwen answers on XQuAD):
 * they are our scaffolding, never part of an answer.
 */
export function withoutLeadingLabels(text: string): string {
  let rest = text;
  for (let match = leadingLabel.exec(rest); match; match = leadingLabel.exec(rest)) rest = rest.slice(match[0].length);
  return rest;
}
