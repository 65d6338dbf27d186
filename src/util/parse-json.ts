import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { type ErrorCode, GemmaRagError } from '../spec/errors.js';

/**
 * JSON.parse with errors people can act on: `source` plus line and column. V8's own
 * messages often lack a position, so a strict scanner locates the first error.
 */
export function parseJson(text: string, source: string, code: ErrorCode): unknown {
  const withoutBom = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(withoutBom);
  } catch (error) {
    const found = locateJsonSyntaxError(withoutBom);
    const where = found ? ` at ${lineAndColumn(withoutBom, found.offset)} (${found.problem})` : '';
    throw new GemmaRagError(code, `${source} is not valid JSON${where}.`, {
      data: { source, offset: found?.offset ?? null },
      cause: error,
    });
  }
}

/** Where and why strict JSON parsing fails. */
export function locateJsonSyntaxError(text: string): { offset: number; problem: string } | undefined {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return undefined;
  return {
    offset: first.offset,
    problem: printParseErrorCode(first.error)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase(),
  };
}

/** For one line of a JSONL file: `not valid JSON at column 12 (comma expected)`. */
export function describeJsonLineError(line: string): string {
  const found = locateJsonSyntaxError(line);
  return found ? `not valid JSON at column ${found.offset + 1} (${found.problem})` : 'not valid JSON';
}

export function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
