import { errorCodes, GemmaRagError } from '../spec/errors.js';

export function parsePositiveInteger(value: string, flag: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new GemmaRagError(errorCodes.invalidArgument, `${flag} must be a positive whole number; got "${value}".`, {
      data: { flag, value },
    });
  }
  return Number(value);
}
