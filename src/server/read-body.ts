import type { Context } from 'hono';
import type { z } from 'zod';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { parseWithCode } from '../util/validation.js';

/** Parses a JSON body against a schema; malformed JSON and wrong shapes are 400s with a code. */
export async function readBody<Schema extends z.ZodType>(context: Context, schema: Schema): Promise<z.output<Schema>> {
  requireJsonType(context.req.header('content-type'));
  let json: unknown;
  try {
    json = await context.req.json();
  } catch (error) {
    throw new GemmaRagError(errorCodes.invalidArgument, 'The request body is not valid JSON.', { cause: error });
  }
  return parseWithCode(schema, json, 'request body');
}

/**
 * JSON routes take `application/json` only: the types a web page may send without a CORS
 * preflight (`text/plain`, forms) are refused before the body is read.
 */
export function requireJsonType(contentType: string | undefined): void {
  const type = mediaType(contentType);
  if (type === 'application/json') return;
  throw new GemmaRagError(
    errorCodes.unsupportedMediaType,
    `Send the body as JSON with "Content-Type: application/json"${type ? `, not ${type}` : ''}.`,
    { data: { contentType: type ?? null } },
  );
}

/** `Text/Plain; charset=utf-8` → `text/plain`; undefined when absent or empty. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

export function payloadTooLargeError(what: string, maxBytes: number): GemmaRagError {
  return new GemmaRagError(
    errorCodes.payloadTooLarge,
    `The ${what} is larger than this server's limit of ${maxBytes} bytes.`,
    { data: { maxBytes } },
  );
}
