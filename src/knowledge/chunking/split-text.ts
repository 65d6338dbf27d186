/**
 * Splits text into pieces that end where a reader would pause: paragraph breaks, line
 * breaks, and sentence ends in Latin and CJK scripts (。！？；and their full-width and
 * ASCII forms). Pieces keep their trailing whitespace, so concatenating them gives the
 * original text back — chunks are exact substrings of the document.
 */
const sentenceSegmenter = new Intl.Segmenter('und', { granularity: 'sentence' });

// ICU's sentence breaker does not stop at semicolons; CJK text uses them as clause ends.
const clauseEnd = /(?<=[；;])/u;

export function splitIntoPieces(text: string): string[] {
  const pieces: string[] = [];
  for (const line of text.split(/(?<=\n)/)) {
    for (const { segment } of sentenceSegmenter.segment(line)) {
      for (const clause of segment.split(clauseEnd)) {
        if (clause !== '') pieces.push(clause);
      }
    }
  }
  return mergeBlankPieces(pieces);
}

/** Whitespace-only pieces (blank lines) belong to the piece before them. */
function mergeBlankPieces(pieces: string[]): string[] {
  const merged: string[] = [];
  for (const piece of pieces) {
    const last = merged.length - 1;
    if (piece.trim() === '' && last >= 0) merged[last] += piece;
    else merged.push(piece);
  }
  return merged;
}

/** Splits a piece with no usable boundary into `parts` slices of similar length, never inside a code point. */
export function splitEvenly(text: string, parts: number): string[] {
  const characters = Array.from(text);
  const size = Math.ceil(characters.length / parts);
  const slices: string[] = [];
  for (let start = 0; start < characters.length; start += size) {
    slices.push(characters.slice(start, start + size).join(''));
  }
  return slices;
}
