import { errorCodes, GemmaRagError } from '../../spec/errors.js';

/** Newline-delimited JSON (Ollama's streaming format): one JSON value per non-blank line. */
export async function* parseNdjson(lines: AsyncIterable<string>, source: string): AsyncGenerator<unknown> {
  for await (const line of lines) {
    if (line.trim() === '') continue;
    yield parseJsonLine(line, source);
  }
}

export function parseJsonLine(line: string, source: string): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    throw new GemmaRagError(
      errorCodes.engineFailure,
      `${source} streamed a line that is not JSON: "${line.slice(0, 120)}"`,
      { data: { source }, cause: error },
    );
  }
}
