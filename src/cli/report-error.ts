import { GemmaRagError } from '../spec/errors.js';
import { type CliIo, writeJson, writeLine } from './cli-io.js';
import { exitCodeFor, exitCodes } from './exit-codes.js';

/**
 * Prints an error for people on stderr (and, with --json, as `{ error }` on stdout for
 * scripts) and returns the exit code. Unexpected errors keep their stack for bug reports.
 */
export function reportError(io: CliIo, error: unknown, json: boolean): number {
  if (GemmaRagError.isInstance(error)) {
    writeLine(io.stderr, `gemma-rag: ${error.message}`);
    if (json) writeJson(io, { error: { code: error.code, message: error.message, data: error.data } });
    return exitCodeFor(error.code);
  }
  const message = error instanceof Error ? error.message : String(error);
  writeLine(io.stderr, `gemma-rag: unexpected error: ${message}`);
  if (error instanceof Error && error.stack && io.environment.GEMMA_RAG_DEBUG) writeLine(io.stderr, error.stack);
  if (json) writeJson(io, { error: { code: 'INTERNAL', message } });
  return exitCodes.failure;
}
