/** Sentence boundaries in any language (Intl's: Chinese and Japanese full stops and line breaks count). */
const segmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/** The sentences of a text, trimmed, blank ones left out. */
export function sentencesOf(text: string): string[] {
  return [...segmenter.segment(text)].map(({ segment }) => segment.trim()).filter((sentence) => sentence !== '');
}
