/**
 * Every failure gemma-rag reports on purpose is a `GemmaRagError` with a stable `code`.
 * The CLI maps codes to exit codes (cli/exit-codes.ts) and the server to HTTP statuses,
 * each in exactly one place; callers branch on `code`, never on message text.
 */
export const errorCodes = {
  /** A command-line argument, option or API parameter is malformed. */
  invalidArgument: 'INVALID_ARGUMENT',
  /** A knowledge-base file (or record) could not be read or does not match the format. */
  invalidKnowledgeBase: 'INVALID_KNOWLEDGE_BASE',
  /** A prompt name that the model profile does not define. */
  unknownPrompt: 'UNKNOWN_PROMPT',
  /** Requested dimensions the model cannot produce (not a positive integer ≤ native). */
  invalidDimensions: 'INVALID_DIMENSIONS',
  /** An input longer than the embedding model accepts; never silently truncated. */
  inputTooLong: 'INPUT_TOO_LONG',
  /** A model file or name that is not available locally (and downloading was not allowed). */
  modelNotFound: 'MODEL_NOT_FOUND',
  /** A model that exists but cannot be used for the requested job (wrong architecture, pooling, missing layers). */
  modelIncompatible: 'MODEL_INCOMPATIBLE',
  /** Downloading a model failed (network, authentication, disk). */
  downloadFailed: 'DOWNLOAD_FAILED',
  /** The engine failed or returned something we cannot trust (wrong shape, non-finite values). */
  engineFailure: 'ENGINE_FAILURE',
  /** A model server (Ollama, llama.cpp server, …) could not be reached: start it, or fix the URL. */
  engineUnreachable: 'ENGINE_UNREACHABLE',
  /** A knowledge base built with another embedding model or dimension than the one in use. */
  knowledgeBaseMismatch: 'KNOWLEDGE_BASE_MISMATCH',
  /** A knowledge-base database could not be reached, refused the login, or lacks what gemma-rag needs (pgvector). */
  storeUnavailable: 'STORE_UNAVAILABLE',
  /** A knowledge-base entry (document, category) that does not exist. */
  notFound: 'NOT_FOUND',
  /** A request without the API key the server was started with. */
  unauthorized: 'UNAUTHORIZED',
  /**
   * A valid API key that does not open what was asked for (another knowledge base). Also the
   * answer for a knowledge base that does not exist, so a key cannot probe for names.
   */
  forbidden: 'FORBIDDEN',
  /** A request body over the server's size limit. */
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** Too much work is already queued; try again shortly. */
  overloaded: 'OVERLOADED',
  /**
   * A request whose `Host` is not a name this server answers to (a DNS-rebinding page, a
   * proxy the operator did not declare with `--allowed-host`).
   */
  hostNotAllowed: 'HOST_NOT_ALLOWED',
  /** A state-changing request from a web page on another origin that `--cors` does not allow. */
  crossOriginRefused: 'CROSS_ORIGIN_REFUSED',
  /** A request body of a type the route does not take (JSON routes take only `application/json`). */
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  /** The database is locked by another writer (another process's ingest or reindex); retry shortly. */
  databaseBusy: 'DATABASE_BUSY',
  /** The operation was cancelled through an AbortSignal. */
  aborted: 'ABORTED',
  /** A failure gemma-rag did not anticipate: a bug. Its message is the original error's. */
  internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof errorCodes)[keyof typeof errorCodes];

const brand = Symbol.for('gemma-rag.error');

export class GemmaRagError extends Error {
  readonly code: ErrorCode;
  /** Structured facts about the failure, e.g. `{ tokens, maxTokens }`; safe to print as JSON. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly [brand] = true;

  constructor(code: ErrorCode, message: string, options: { data?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GemmaRagError';
    this.code = code;
    this.data = options.data ?? {};
  }

  /** Works across duplicated module instances, where `instanceof` would not. */
  static isInstance(value: unknown): value is GemmaRagError {
    return typeof value === 'object' && value !== null && brand in value;
  }
}

/**
 * Every error as a GemmaRagError: ours as they are, anything else as INTERNAL with its
 * message (and the original as `cause`, for its stack). Lets the CLI and the server report
 * every failure in one shape.
 */
export function asGemmaRagError(error: unknown): GemmaRagError {
  if (GemmaRagError.isInstance(error)) return error;
  return new GemmaRagError(errorCodes.internal, errorMessage(error), {
    cause: error,
  });
}

/** The message of whatever was thrown; libraries do not always throw Error instances. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function abortedError(signal: AbortSignal | undefined): GemmaRagError {
  return new GemmaRagError(errorCodes.aborted, 'The operation was aborted.', {
    cause: signal?.reason,
  });
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal);
}
