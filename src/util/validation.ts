import type { z } from 'zod';
import { type ErrorCode, errorCodes, GemmaRagError } from '../spec/errors.js';

/** Parses a boundary value; failures become a GemmaRagError naming each bad field. */
export function parseWithCode<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  what: string,
  code: ErrorCode = errorCodes.invalidArgument,
): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(value)'}: ${issue.message}`)
    .join('; ');
  throw new GemmaRagError(code, `Invalid ${what}: ${problems}`, {
    data: { issues: parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message })) },
    cause: parsed.error,
  });
}
