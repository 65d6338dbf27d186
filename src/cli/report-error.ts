import { presentError } from '../presentation/error-json.js';
import { asGemmaRagError, errorCodes } from '../spec/errors.js';
import { type CliIo, writeJson, writeLine } from './cli-io.js';
import { exitCodeFor } from './exit-codes.js';

/**
 * Prints an error for people on stderr (and, with --json, as `{ error }` on stdout for
 * scripts) and returns the exit code. Unexpected errors keep their stack for bug reports.
 */
export function reportError(io: CliIo, error: unknown, json: boolean): number {
  const known = asGemmaRagError(error);
  if (known.code === errorCodes.internal) {
    writeLine(io.stderr, `gemma-rag: unexpected error: ${known.message}`);
    if (error instanceof Error && error.stack && io.environment.GEMMA_RAG_DEBUG) writeLine(io.stderr, error.stack);
  } else {
    writeLine(io.stderr, `gemma-rag: ${known.message}`);
  }
  if (json) writeJson(io, presentError(known));
  return exitCodeFor(known.code);
}
