import { type ErrorCode, errorCodes } from '../spec/errors.js';

/**
 * The one map from error code to process exit code. 2 means "you asked for something
 * wrong" (usage or input); other non-zero codes are failures at run time.
 */
export const exitCodes = {
  success: 0,
  failure: 1,
  badInput: 2,
  modelMissing: 3,
  modelUnusable: 4,
  downloadFailed: 5,
  engineUnreachable: 6,
  storeUnavailable: 7,
  aborted: 130,
} as const;

const exitCodeByErrorCode: Record<ErrorCode, number> = {
  [errorCodes.invalidArgument]: exitCodes.badInput,
  [errorCodes.invalidKnowledgeBase]: exitCodes.badInput,
  [errorCodes.unknownPrompt]: exitCodes.badInput,
  [errorCodes.invalidDimensions]: exitCodes.badInput,
  [errorCodes.inputTooLong]: exitCodes.badInput,
  [errorCodes.modelNotFound]: exitCodes.modelMissing,
  [errorCodes.modelIncompatible]: exitCodes.modelUnusable,
  [errorCodes.downloadFailed]: exitCodes.downloadFailed,
  [errorCodes.engineFailure]: exitCodes.failure,
  [errorCodes.engineUnreachable]: exitCodes.engineUnreachable,
  [errorCodes.knowledgeBaseMismatch]: exitCodes.badInput,
  [errorCodes.storeUnavailable]: exitCodes.storeUnavailable,
  [errorCodes.notFound]: exitCodes.badInput,
  [errorCodes.unauthorized]: exitCodes.badInput,
  [errorCodes.forbidden]: exitCodes.badInput,
  [errorCodes.payloadTooLarge]: exitCodes.badInput,
  [errorCodes.overloaded]: exitCodes.failure,
  [errorCodes.hostNotAllowed]: exitCodes.badInput,
  [errorCodes.crossOriginRefused]: exitCodes.badInput,
  [errorCodes.unsupportedMediaType]: exitCodes.badInput,
  [errorCodes.databaseBusy]: exitCodes.storeUnavailable,
  [errorCodes.aborted]: exitCodes.aborted,
  [errorCodes.internal]: exitCodes.failure,
};

export function exitCodeFor(code: ErrorCode): number {
  return exitCodeByErrorCode[code];
}
