import { errorCodes, GemmaRagError } from '../spec/errors.js';

export function parsePositiveInteger(value: string, flag: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new GemmaRagError(errorCodes.invalidArgument, `${flag} must be a positive whole number; got "${value}".`, {
      data: { flag, value },
    });
  }
  return Number(value);
}

/** A number from 0 to 1, e.g. a margin or a relative cut-off. */
export function parseFraction(value: string, flag: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new GemmaRagError(errorCodes.invalidArgument, `${flag} must be a number from 0 to 1; got "${value}".`, {
      data: { flag, value },
    });
  }
  return number;
}

/** A repeatable option's values, in order (commander's collector; no default, so `--help` shows none). */
export function collectValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
