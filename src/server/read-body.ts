import type { Context } from 'hono';
import type { z } from 'zod';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { parseWithCode } from '../util/validation.js';

/** Parses a JSON body against a schema; malformed JSON and wrong shapes are 400s with a code. */
export async function readBody<Schema extends z.ZodType>(context: Context, schema: Schema): Promise<z.output<Schema>> {
  let json: unknown;
  try {
    json = await context.req.json();
  } catch (error) {
    throw new GemmaRagError(errorCodes.invalidArgument, 'The request body is not valid JSON.', { cause: error });
  }
  return parseWithCode(schema, json, 'request body');
}
