import { errorCodes, GemmaRagError } from '../../spec/errors.js';

/** Checks an http(s) server address and returns it without a trailing slash, query or fragment. */
export function parseBaseUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `${what} "${value}" is not a URL; expected e.g. http://127.0.0.1:11434`,
      { data: { value }, cause: error },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GemmaRagError(errorCodes.invalidArgument, `${what} "${value}" must start with http:// or https://`, {
      data: { value },
    });
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
