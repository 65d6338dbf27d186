import { errorCodes, GemmaRagError } from '../spec/errors.js';

/**
 * Refuses any text over `maxTokens` (as `countTokens` counts it, special tokens included)
 * with INPUT_TOO_LONG. The Embedder applies it with the tighter of the profile's and the
 * engine's limit, and each engine again with its own, so a limit is one number that both
 * agree on and no input ever reaches a model that cannot take it.
 *
 * A token covers at least one UTF-8 byte (plus `<bos>` and `<eos>`), so short texts cannot be
 * over the limit: they are never counted, and no tokenizer is loaded for them.
 */
export async function refuseInputsOverLimit(
  texts: readonly string[],
  maxTokens: number,
  countTokens: (texts: readonly string[]) => Promise<number[]>,
  options: { who: string; firstIndex?: number },
): Promise<void> {
  const suspects = texts
    .map((text, index) => ({ text, index }))
    .filter(({ text }) => Buffer.byteLength(text, 'utf8') + 2 > maxTokens);
  if (suspects.length === 0) return;
  const counts = await countTokens(suspects.map(({ text }) => text));
  suspects.forEach(({ text, index }, suspect) => {
    const tokens = counts[suspect] ?? 0;
    if (tokens <= maxTokens) return;
    const position = (options.firstIndex ?? 0) + index;
    throw new GemmaRagError(
      errorCodes.inputTooLong,
      `Input ${position + 1} is ${tokens} tokens long (prompt included); ${options.who} accepts at most ${maxTokens}. Split it into smaller pieces. It begins: "${text.slice(0, 60)}…"`,
      { data: { index: position, tokens, maxTokens } },
    );
  });
}

/**
 * Refuses empty or whitespace-only texts with INVALID_ARGUMENT naming the first: their vector
 * would be the prompt's alone (or all zeros), never what anyone meant. The Embedder applies
 * it; commands may call it early, before a model loads.
 */
export function refuseEmptyInputs(texts: readonly string[], options: { firstIndex?: number } = {}): void {
  const index = texts.findIndex((text) => text.trim() === '');
  if (index < 0) return;
  const position = (options.firstIndex ?? 0) + index;
  throw new GemmaRagError(
    errorCodes.invalidArgument,
    `Input ${position + 1} is empty: every text to embed must contain something.`,
    { data: { index: position } },
  );
}
