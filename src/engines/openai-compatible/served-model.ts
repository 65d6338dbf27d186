import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import type { HttpClient } from '../http/http-client.js';
import { modelsResponseSchema } from './openai-compatible-schemas.js';

/**
 * The model to name in requests: the one asked for, else the server's only model
 * (llama.cpp's `llama-server` serves exactly one). Several models and no choice is an
 * error listing them, rather than a guess.
 */
export async function resolveServedModel(client: HttpClient, requested: string | undefined): Promise<string> {
  if (requested !== undefined) return requested;
  const { data } = await client.json('GET', '/models', undefined, modelsResponseSchema);
  const [only, ...others] = data;
  if (only !== undefined && others.length === 0) return only.id;
  throw new GemmaRagError(
    errorCodes.invalidArgument,
    data.length === 0
      ? `The server at ${client.baseUrl} lists no models; name one explicitly.`
      : `The server at ${client.baseUrl} serves ${data.length} models; name one: ${data.map((model) => model.id).join(', ')}.`,
    { data: { models: data.map((model) => model.id) } },
  );
}
