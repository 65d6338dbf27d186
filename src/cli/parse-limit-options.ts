import type { Command } from 'commander';
import { defaultParseLimits, type ParseLimits } from '../app/options.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { parsePositiveInteger } from './parse-flags.js';

export interface ParseLimitFlags {
  maxText?: string;
  parseTimeout?: string;
  parseMemory?: string;
}

/** `--max-text`, `--parse-timeout`, `--parse-memory`: what one file may cost to read (ingest and serve). */
export function addParseLimitOptions(command: Command): void {
  command
    .option(
      '--max-text <characters>',
      `skip a document whose text is longer than this (default ${defaultParseLimits.maxTextChars})`,
    )
    .option(
      '--parse-timeout <seconds>',
      `stop parsing a PDF or Office file after this long (default ${defaultParseLimits.timeoutMs / 1000})`,
    )
    .option(
      '--parse-memory <MiB>',
      `stop parsing a PDF or Office file that needs more memory than this (default ${defaultParseLimits.maxMemoryMb})`,
    );
}

export function parseLimitsFromFlags(flags: ParseLimitFlags): Partial<ParseLimits> {
  const limits: Partial<ParseLimits> = {};
  if (flags.maxText !== undefined) limits.maxTextChars = parsePositiveInteger(flags.maxText, '--max-text');
  if (flags.parseMemory !== undefined) {
    limits.maxMemoryMb = parsePositiveInteger(flags.parseMemory, '--parse-memory');
    if (limits.maxMemoryMb < 16) {
      throw new GemmaRagError(errorCodes.invalidArgument, '--parse-memory must be at least 16 MiB.');
    }
  }
  if (flags.parseTimeout !== undefined) {
    const seconds = Number(flags.parseTimeout);
    if (flags.parseTimeout.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
      throw new GemmaRagError(
        errorCodes.invalidArgument,
        `--parse-timeout must be a positive number of seconds; got "${flags.parseTimeout}".`,
      );
    }
    limits.timeoutMs = Math.round(seconds * 1000);
  }
  return limits;
}
