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
    const errors: ParseError[] = [];
    parse(withoutBom, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const where = first
      ? ` at ${lineAndColumn(withoutBom, first.offset)} (${describe(printParseErrorCode(first.error))})`
      : '';
    throw new GemmaRagError(code, `${source} is not valid JSON${where}.`, {
      data: { source, offset: first?.offset ?? null },
      cause: error,
    });
  }
}

function describe(parseErrorCode: string): string {
  return parseErrorCode.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
