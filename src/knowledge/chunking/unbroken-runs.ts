import type { LoadedDocument } from '../../spec/document-loader.js';

/** Longer than any word or URL a person reads; base64, hex dumps and minified code run far longer. */
export const maxUnbrokenRun = 4096;

// CJK prose has no spaces by nature and is kept whole, however long a line is.
const unbrokenRun = new RegExp(
  `[^\\s\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}]{${maxUnbrokenRun + 1},}`,
  'gu',
);

/**
 * Replaces each run of more than 4,096 characters without a space (outside CJK text) by a
 * note saying how long it was. Such runs are data, not prose — an embedded base64 image, a
 * hex dump, minified code — and would cost a tokenizer tens of seconds per few hundred
 * thousand characters, only to fill chunks with vectors nobody can search for.
 */
export function elideUnbrokenRuns(text: string): string {
  return text.replace(unbrokenRun, (run) => `[${run.length} characters without a space left out]`);
}

/** The document with every unbroken run left out, in its content and in each of its sections. */
export function withoutUnbrokenRuns(document: LoadedDocument): LoadedDocument {
  return {
    ...document,
    content: elideUnbrokenRuns(document.content),
    ...(document.sections
      ? {
          sections: document.sections.map((section) =>
            section.kind === 'text'
              ? { ...section, text: elideUnbrokenRuns(section.text) }
              : {
                  ...section,
                  header: elideUnbrokenRuns(section.header),
                  rows: section.rows.map((row) => ({ ...row, text: elideUnbrokenRuns(row.text) })),
                },
          ),
        }
      : {}),
  };
}
