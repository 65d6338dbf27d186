import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { formatBytes } from './file-limits.js';

/**
 * How much one file may cost to read. A few hundred kilobytes can inflate into gigabytes of
 * XML or text (a "bomb"), so every budget is about what the file becomes, not what it weighs;
 * a file over any of them is skipped with the reason, never cut short in silence.
 */
export interface ParseLimits {
  /** Most characters of text one document may yield. Default 8 Mi (a few thousand pages). */
  maxTextChars: number;
  /** Most bytes the text parts of an archive (Office, OpenDocument) may inflate to, all together. Default 64 MiB. */
  maxInflatedBytes: number;
  /** Wall-clock limit for parsing one PDF or Office file, in milliseconds; the parser is stopped. Default 60 s. */
  timeoutMs: number;
  /** Heap limit of the worker that parses PDF and Office files, in MiB; the parser is stopped. Default 1024. */
  maxMemoryMb: number;
}

export const defaultParseLimits: ParseLimits = {
  maxTextChars: 8 * 1024 * 1024,
  maxInflatedBytes: 64 * 1024 * 1024,
  timeoutMs: 60_000,
  maxMemoryMb: 1024,
};

/** The defaults with what was given, each checked to be a positive number. */
export function checkedParseLimits(given: Partial<ParseLimits> | undefined): ParseLimits {
  const limits = { ...defaultParseLimits, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new GemmaRagError(
        errorCodes.invalidArgument,
        `The parse limit ${name} must be a positive number, not ${value}.`,
        {
          data: { [name]: value },
        },
      );
    }
  }
  return limits;
}

export function textBudgetReason(characters: number, limit: number): string {
  return `its text is ${characters.toLocaleString('en-US')} characters, over the budget of ${limit.toLocaleString('en-US')} per document (a decompression bomb, or raise --max-text); nothing of it was indexed`;
}

export function inflatedBudgetReason(limit: number): string {
  return `it expands to more than ${formatBytes(limit)} (a zip bomb, or too large to index)`;
}
