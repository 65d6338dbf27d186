/**
 * C0 controls but tab and newline, DEL, and C1 controls: what a terminal may act on instead of
 * printing (`ESC ] 0 ; title BEL` retitles the window, `ESC [ 2 J` clears it, `CSI` is C1 0x9B,
 * a carriage return overwrites the line).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const controlCharacters = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text as it may be shown to a person on a terminal: file names, titles and document text are
 * untrusted, so their control characters are removed. The one rule, applied where the CLI
 * prints for people (cli-io.ts `writeLine`, streamed answers); JSON output keeps the data
 * exact, since JSON escapes what matters there.
 */
export function forTerminal(text: string): string {
  return text.replace(controlCharacters, '');
}
