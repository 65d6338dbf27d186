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
