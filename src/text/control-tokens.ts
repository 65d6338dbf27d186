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
