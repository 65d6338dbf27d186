import { createHash } from 'node:crypto';

/** The lines that open and close quoted data in a prompt; `id` is what the data cannot know. */
export function dataMarkers(id: string): { begin: string; end: string } {
  return { begin: `[[BEGIN DATA ${id}]]`, end: `[[END DATA ${id}]]` };
}

/**
 * A marker id that none of the prompt's texts contains: derived from the texts themselves, so
 * quoted data would have to contain the hash of itself to forge its end marker. Deterministic,
 * so the same prompt inputs give the same prompt (and, at temperature 0, the same output).
 */
export function markerId(...texts: readonly string[]): string {
  for (let salt = 0; ; salt++) {
    const id = createHash('sha256')
      .update(`${salt}\n${texts.join('\n')}`)
      .digest('hex')
      .slice(0, 12);
    if (!texts.some((text) => text.includes(id))) return id;
  }
}

/** Also as small models mangle it: one bracket, a shorter id. */
const wholeMarker = /\[{1,2}(?:BEGIN|END) DATA(?: [0-9a-f]{1,12})?\]{1,2}/gu;
/** The start of a marker still being written at the end of a streamed text ("[[END DA"). */
const markerStart = /\[\[?(?:[A-Z]{1,5}(?: D?A?T?A?(?: [0-9a-f]{0,12}\]?)?)?)?$/u;

/**
 * A model's text without the prompt's data markers it read back, whole or cut off at the end
 * (by the token limit, or mid-stream): they are never part of an answer.
 */
export function withoutDataMarkers(text: string): string {
  return text.replace(wholeMarker, '').replace(markerStart, '');
}
