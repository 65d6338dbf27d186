import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { splitEvenly, splitIntoPieces } from './split-text.js';

/** Counts tokens of each text exactly as the embedding model will see it, special tokens included. */
export type TokenCounter = (texts: readonly string[]) => Promise<number[]>;

export interface ChunkOptions {
  /** Preferred chunk size in tokens. Default 512. */
  targetTokens?: number | undefined;
  /** Tokens repeated from the end of one chunk at the start of the next. Default 64. */
  overlapTokens?: number | undefined;
  /** Hard limit for `prefix + chunk` as embedded (the model's input limit, e.g. 2048). */
  maxInputTokens: number;
  /** The prompt the chunk is embedded with, e.g. `title: 年假规定 | text: `; it counts against the limit. */
  prefix: string;
  countTokens: TokenCounter;
}

export interface Chunk {
  position: number;
  text: string;
  /** Tokens of `prefix + text` as embedded. */
  tokens: number;
}

export const defaultChunkTargetTokens = 512;
export const defaultChunkOverlapTokens = 64;

interface Piece {
  text: string;
  tokens: number;
}

/**
 * Token-aware chunking: packs sentence-sized pieces up to the target, repeats a little
 * context between neighbours, and proves every chunk fits the model's input limit with
 * its prompt by counting the final string — never by counting characters.
 */
export async function chunkText(text: string, options: ChunkOptions): Promise<Chunk[]> {
  const [prefixTokens = 0] = await options.countTokens([options.prefix]);
  const budget = options.maxInputTokens - prefixTokens;
  if (budget < 16) {
    throw new GemmaRagError(
      errorCodes.inputTooLong,
      `The prompt "${options.prefix.slice(0, 80)}" alone takes ${prefixTokens} of the model's ${options.maxInputTokens} tokens; shorten the title.`,
      { data: { tokens: prefixTokens, maxTokens: options.maxInputTokens } },
    );
  }
  const target = Math.min(options.targetTokens ?? defaultChunkTargetTokens, budget);
  const overlap = Math.min(options.overlapTokens ?? defaultChunkOverlapTokens, Math.floor(target / 2));
  const pieces = await measurePieces(splitIntoPieces(text), target, options.countTokens);
  const drafts = packPieces(pieces, target, overlap);
  const chunks: Chunk[] = [];
  for (const draft of drafts) {
    for (const fitted of await fitToLimit(draft, options)) {
      chunks.push({ position: chunks.length, ...fitted });
    }
  }
  return chunks;
}

/**
 * A piece this many times the target in characters has no usable boundary (no sentence ends
 * in thousands of characters): it is cut into target-sized parts before anything counts it,
 * since a token covers at least a character. Counting it whole first would tokenize it twice,
 * and JavaScript tokenizers take seconds per hundred thousand characters.
 */
const unbrokenPieceFactor = 8;

/** Counts every piece; pieces over the target are split further until none is. */
async function measurePieces(pieces: string[], target: number, countTokens: TokenCounter): Promise<Piece[]> {
  const texts = pieces.flatMap((piece) =>
    piece.length > target * unbrokenPieceFactor ? splitEvenly(piece, Math.ceil(piece.length / target)) : [piece],
  );
  const counts = await countTokens(texts);
  const result: Piece[] = [];
  for (const [index, text] of texts.entries()) {
    const tokens = counts[index] ?? 0;
    if (tokens <= target || Array.from(text).length < 2) {
      result.push({ text, tokens });
      continue;
    }
    const parts = splitEvenly(text, Math.ceil(tokens / target) + 1);
    result.push(...(await measurePieces(parts, target, countTokens)));
  }
  return result;
}

/** Greedy packing with overlap: the next chunk starts with the previous chunk's last pieces. */
function packPieces(pieces: Piece[], target: number, overlap: number): string[] {
  const chunks: string[] = [];
  let current: Piece[] = [];
  let tokens = 0;
  let fresh = 0; // pieces in `current` that are not overlap from the previous chunk
  for (const piece of pieces) {
    if (current.length > 0 && tokens + piece.tokens > target && fresh > 0) {
      chunks.push(current.map((part) => part.text).join(''));
      const carried: Piece[] = [];
      let carriedTokens = 0;
      for (let index = current.length - 1; index >= 0; index--) {
        const candidate = current[index] as Piece;
        if (carriedTokens + candidate.tokens > overlap || carriedTokens + candidate.tokens + piece.tokens > target)
          break;
        carried.unshift(candidate);
        carriedTokens += candidate.tokens;
      }
      current = carried;
      tokens = carriedTokens;
      fresh = 0;
    }
    current.push(piece);
    tokens += piece.tokens;
    fresh++;
  }
  if (fresh > 0) chunks.push(current.map((part) => part.text).join(''));
  return chunks.map((chunk) => chunk.trim()).filter((chunk) => chunk !== '');
}

/** Counts the chunk as embedded; halves it until it fits (token counts of parts do not add up exactly). */
async function fitToLimit(text: string, options: ChunkOptions): Promise<Array<Omit<Chunk, 'position'>>> {
  const [tokens = 0] = await options.countTokens([options.prefix + text]);
  if (tokens <= options.maxInputTokens) return [{ text, tokens }];
  const pieces = splitIntoPieces(text);
  const halves =
    pieces.length > 1
      ? [pieces.slice(0, pieces.length / 2).join(''), pieces.slice(pieces.length / 2).join('')]
      : splitEvenly(text, 2);
  const result: Array<Omit<Chunk, 'position'>> = [];
  for (const half of halves.map((part) => part.trim()).filter(Boolean))
    result.push(...(await fitToLimit(half, options)));
  return result;
}
