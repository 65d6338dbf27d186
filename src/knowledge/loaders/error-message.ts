/** The message of whatever was thrown; libraries do not always throw Error instances. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
