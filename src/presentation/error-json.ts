import { z } from 'zod';
import { type ErrorCode, errorCodes, type GemmaRagError } from '../spec/errors.js';

/**
 * The one shape of every error gemma-rag reports to a program: `ask --json` and every other
 * command with --json, every HTTP error response, and the `error` event of a stream.
 */
export interface ErrorJson {
  error: { code: ErrorCode; message: string; data: Readonly<Record<string, unknown>> };
}

export function presentError(error: GemmaRagError): ErrorJson {
  return { error: { code: error.code, message: error.message, data: error.data } };
}

/** For clients and tests: what an error body must look like, codes from the catalogue only. */
export const errorJsonSchema = z
  .object({
    error: z
      .object({
        code: z.enum(Object.values(errorCodes) as [ErrorCode, ...ErrorCode[]]),
        message: z.string().min(1),
        data: z.record(z.string(), z.unknown()),
      })
      .strict(),
  })
  .strict();
