import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorCode, errorCodes } from '../spec/errors.js';

/** The one map from error code to HTTP status. */
const statusByErrorCode: Record<ErrorCode, ContentfulStatusCode> = {
  [errorCodes.invalidArgument]: 400,
  [errorCodes.invalidKnowledgeBase]: 400,
  [errorCodes.unknownPrompt]: 400,
  [errorCodes.invalidDimensions]: 400,
  [errorCodes.inputTooLong]: 400,
  [errorCodes.knowledgeBaseMismatch]: 409,
  [errorCodes.notFound]: 404,
  [errorCodes.storeUnavailable]: 503,
  [errorCodes.modelNotFound]: 503,
  [errorCodes.modelIncompatible]: 500,
  [errorCodes.downloadFailed]: 502,
  // 503, not 502: the engine may be restarting (serve isolates it), and a retry may succeed.
  [errorCodes.engineFailure]: 503,
  [errorCodes.engineUnreachable]: 503,
  [errorCodes.unauthorized]: 401,
  [errorCodes.forbidden]: 403,
  [errorCodes.payloadTooLarge]: 413,
  [errorCodes.overloaded]: 503,
  [errorCodes.hostNotAllowed]: 421,
  [errorCodes.crossOriginRefused]: 403,
  [errorCodes.unsupportedMediaType]: 415,
  [errorCodes.databaseBusy]: 503,
  [errorCodes.aborted]: 499 as ContentfulStatusCode,
  [errorCodes.internal]: 500,
};

export function httpStatusFor(code: ErrorCode): ContentfulStatusCode {
  return statusByErrorCode[code];
}

/** Codes that mean "busy, try again": the seconds a client should wait (`Retry-After`). */
const retryAfterByErrorCode: Partial<Record<ErrorCode, number>> = {
  [errorCodes.overloaded]: 2,
  [errorCodes.databaseBusy]: 1,
};

export function retryAfterSecondsFor(code: ErrorCode): number | undefined {
  return retryAfterByErrorCode[code];
}
