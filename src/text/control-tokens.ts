/**
 * Chat-template control strings written inside text: Gemma 3's `<start_of_turn>`,
 * `<end_of_turn>`, `<bos>`, `<eos>`, `<pad>`, `<unk>`, `<mask>`, image markers and `<unusedN>`,
 * and any Gemma 4-style marker with a pipe against an angle bracket (`<|turn>`, `<turn|>`,
 * `<|think|>`, `<|"|>`, …; ordinary text and HTML never have one).
 */
const gemmaControlToken =
  /<(?:\/?(?:bos|eos|pad|unk|mask|start_of_turn|end_of_turn|start_of_image|end_of_image|image_soft_token|unused\d+)>|\|[^<>\s]{0,40}>|[^<>\s|]{1,40}\|>)/g;

/** Looks like `<` but is not: no tokenizer maps it back (NFKC leaves it alone, unlike `＜`). */
const lookalikeAngle = '\u2039';
/** Invisible, and no tokenizer normalizes it away before matching special tokens. */
const wordJoiner = '\u2060';

function defuse(token: string): string {
  return token.startsWith('<') ? lookalikeAngle + token.slice(1) : token.slice(0, 1) + wordJoiner + token.slice(1);
}

/**
 * Makes control strings inside quoted text plain text: a model server that renders a chat
 * template and tokenizes it with special tokens parsed (Ollama, llama.cpp's server, vLLM,
 * transformers.js) would otherwise turn a document's `<end_of_turn>` into a real end of turn.
 * `extra` adds the model's own control tokens when the engine can list them. What a person
 * reads barely changes: `<` becomes `‹`.
 */
export function defuseControlTokens(text: string, extra: readonly string[] = []): string {
  let result = text.replace(gemmaControlToken, defuse);
  for (const token of extra) {
    if (token.length > 1 && result.includes(token)) result = result.replaceAll(token, defuse(token));
  }
  return result;
}

/** A forged turn opener and the role right after it: `<|im_start|>system`, `<start_of_turn>user`, `<|turn>model`. */
const forgedTurn =
  /(?:<start_of_turn>|<\|im_start\|>|<\|turn>|<\|start_header_id\|>)[ \t]*(?:system|user|model|assistant|developer)?(?:<\|end_header_id\|>)?/giu;
/** Other chat formats' markers that read as structure to an instruct model: Llama 2's, and our own data markers. */
const otherMarkers = /\[\/?INST\]|<<\/?SYS>>|\[\[(?:BEGIN|END) DATA[^\]\n]{0,40}\]\]/gu;

/**
 * Removes chat-template control strings (those `defuseControlTokens` defuses, ChatML's
 * `<|im_start|>`/`<|im_end|>`, Llama's `[INST]`) and forged data markers from quoted text,
 * together with the role a forged turn names. Defusing keeps them readable, which a real
 * instruct model still reads as a new turn; for text handed to a model as data, nothing of
 * them is worth keeping.
 */
export function stripControlTokens(text: string, extra: readonly string[] = []): string {
  let result = text.replace(forgedTurn, ' ').replace(gemmaControlToken, ' ').replace(otherMarkers, ' ');
  for (const token of extra) {
    if (token.length > 1) result = result.replaceAll(token, ' ');
  }
  return result.replace(/[ \t]{2,}/g, ' ');
}

/**
 * A forged turn with what it says: from its opener (`<|im_start|>assistant`, `<start_of_turn>model`)
 * to its end marker, a blank line or the end of the text (at most 2,000 characters). Stripping the
 * markers alone leaves the turn's words in the document ("BANANA"), and a real instruct model
 * takes them for the answer (docs/answers.md).
 */
const forgedTurnWithWords =
  /(?:<start_of_turn>|<\|im_start\|>|<\|turn>|<\|start_header_id\|>)[ \t]*(?:system|user|model|assistant|developer)\b(?:<\|end_header_id\|>)?[\s\S]{0,2000}?(?:<end_of_turn>|<\|im_end\|>|<turn\|>|<\|eot_id\|>|\n[ \t]*\n|$)/giu;

/** Removes every forged chat turn, words included (see `forgedTurnWithWords`); the rest of the text is kept as written. */
export function dropForgedTurns(text: string): string {
  return text.replace(forgedTurnWithWords, '\n');
}
