import { z } from 'zod';
import { type ErrorCode, errorCodes, GemmaRagError } from '../../spec/errors.js';

/**
 * The code for "the server cannot be reached". It is ENGINE_FAILURE (with
 * `data.reason = 'unreachable'`) until errors.ts has a dedicated ENGINE_UNREACHABLE code;
 * switching is this one line. Tests import this constant rather than the literal.
 */
export const unreachableErrorCode: ErrorCode = errorCodes.engineUnreachable;

/** What to tell people about one kind of server when a request to it fails. */
export interface ServiceAdvice {
  /** Name in messages, e.g. `Ollama` or `the OpenAI-compatible server`. */
  service: string;
  /** Appended when the server cannot be reached, e.g. "Start it with `ollama serve`." */
  howToStart: string;
  /** Appended when the server does not know the model, e.g. "Run `ollama pull embeddinggemma`." */
  modelNotFound: (model: string) => string;
  /** Appended on 401/403. */
  unauthorized?: string | undefined;
}

// Socket error codes that mean "nobody answered at that address", as opposed to a server
// that answered and then failed.
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const connectionLostCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** A connection that broke (reset, closed) rather than one that could not be made. */
export function isConnectionLost(error: unknown): boolean {
  const code = networkErrorCode(error);
  return code !== undefined && connectionLostCodes.has(code);
}

/** The first `code` in an error's cause chain (fetch wraps socket errors, sometimes in an AggregateError). */
export function networkErrorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = networkErrorCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return networkErrorCode(cause, depth + 1);
}

/** A failure before or while reading a response, not an HTTP status: unreachable, connection lost, other. */
export function transportError(error: unknown, url: string, advice: ServiceAdvice): GemmaRagError {
  const code = networkErrorCode(error);
  if (code !== undefined && unreachableCodes.has(code)) {
    return new GemmaRagError(
      unreachableErrorCode,
      `Cannot reach ${advice.service} at ${url} (${code}). ${advice.howToStart}`,
      { data: { reason: 'unreachable', url, networkCode: code }, cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if ((code !== undefined && connectionLostCodes.has(code)) || message === 'terminated') {
    return new GemmaRagError(
      errorCodes.engineFailure,
      `${advice.service} at ${url} closed the connection before the response was complete${code ? ` (${code})` : ''}. It may have crashed or run out of memory; check its log.`,
      { data: { reason: 'connection-lost', url, networkCode: code ?? null }, cause: error },
    );
  }
  return new GemmaRagError(
    errorCodes.engineFailure,
    `The request to ${advice.service} at ${url} failed: ${message}${code ? ` (${code})` : ''}`,
    { data: { reason: 'transport', url, networkCode: code ?? null }, cause: error },
  );
}

export function timeoutError(url: string, timeoutMs: number, advice: ServiceAdvice): GemmaRagError {
  return new GemmaRagError(
    errorCodes.engineFailure,
    `${advice.service} at ${url} sent nothing for ${timeoutMs / 1000} s. It may be overloaded or stuck; a slow CPU can also need a larger timeout.`,
    { data: { reason: 'timeout', url, timeoutMs } },
  );
}

// Minimal and forgiving: the error shapes of Ollama, OpenAI, llama.cpp, vLLM and TEI.
const errorBodySchema = z.looseObject({
  error: z.union([z.string(), z.looseObject({ message: z.string().optional(), code: z.unknown() })]).optional(),
  message: z.string().optional(),
  detail: z.string().optional(),
});

/** The human-readable part of an error response body, or its first characters. */
export function serverErrorMessage(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return body.trim().slice(0, 500) || '(empty body)';
  }
  const parsed = errorBodySchema.safeParse(json);
  if (parsed.success) {
    const { error, message, detail } = parsed.data;
    const text = typeof error === 'string' ? error : (error?.message ?? message ?? detail);
    if (text) return text;
  }
  return body.trim().slice(0, 500);
}

/**
 * How servers say an input is over their limit: llama.cpp's server ("input is too large to
 * process", "exceeds the available context size"), Ollama ("input length exceeds the context
 * length"), vLLM and OpenAI ("maximum context length is"), TEI ("must have less than N tokens").
 */
const inputTooLongReply =
  /too large to process|exceeds the (available )?context|input length exceeds|maximum context length|must have less than \d+ tokens/i;

/** Maps a non-2xx response to an error people can act on. */
export function statusError(
  response: { status: number; statusText: string },
  body: string,
  request: { url: string; model: string | undefined },
  advice: ServiceAdvice,
): GemmaRagError {
  const serverMessage = serverErrorMessage(body);
  const data = { status: response.status, url: request.url, serverMessage, model: request.model ?? null };
  const aboutModel = /model/i.test(serverMessage) || /model_not_found/.test(body);
  if (request.model !== undefined && (response.status === 404 || /model_not_found/.test(body)) && aboutModel) {
    return new GemmaRagError(
      errorCodes.modelNotFound,
      `${advice.service} does not have the model "${request.model}" (${serverMessage}). ${advice.modelNotFound(request.model)}`,
      { data },
    );
  }
  if (inputTooLongReply.test(serverMessage)) {
    return new GemmaRagError(
      errorCodes.inputTooLong,
      `${advice.service} refused an input as too long (${response.status}: ${serverMessage}). Its limit is lower than gemma-rag's: split the input, or raise the server's context or batch size.`,
      { data },
    );
  }
  if (response.status === 404) {
    return new GemmaRagError(
      errorCodes.engineFailure,
      `${advice.service} has no endpoint ${request.url} (404: ${serverMessage}). Check the base URL, and that the server is recent enough to offer this endpoint.`,
      { data },
    );
  }
  if (response.status === 401 || response.status === 403) {
    return new GemmaRagError(
      errorCodes.engineFailure,
      `${advice.service} refused the request (${response.status}: ${serverMessage}).${advice.unauthorized ? ` ${advice.unauthorized}` : ''}`,
      { data },
    );
  }
  return new GemmaRagError(
    errorCodes.engineFailure,
    `${advice.service} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}: ${serverMessage}`,
    { data },
  );
}
