import { parseBaseUrl } from '../http/base-url.js';
import { HttpClient, type HttpTransportOptions } from '../http/http-client.js';
import type { ServiceAdvice } from '../http/http-errors.js';

/** llama.cpp's `llama-server` listens here by default. */
export const defaultOpenAiCompatibleBaseUrl = 'http://127.0.0.1:8080';

/**
 * The API root that `/embeddings`, `/chat/completions` and `/models` hang off. A bare server
 * address gets `/v1`; an address with a path is used as given, so both
 * `http://127.0.0.1:8080` and `http://127.0.0.1:8080/v1` work, and so do roots such as
 * `https://generativelanguage.googleapis.com/v1beta/openai`.
 */
export function openAiApiRoot(baseUrl: string): string {
  const parsed = parseBaseUrl(baseUrl, 'The OpenAI-compatible base URL');
  return new URL(parsed).pathname === '/' ? `${parsed}/v1` : parsed;
}

/**
 * The API key to send, if any: `GEMMA_RAG_ENGINE_API_KEY`, else `OPENAI_API_KEY` — the latter only
 * when the server is OpenAI's own, so that an OpenAI key is never sent to a local or
 * third-party server that happens to speak the same protocol.
 */
export function apiKeyFromEnvironment(
  baseUrl: string,
  environment: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const own = environment.GEMMA_RAG_ENGINE_API_KEY?.trim();
  if (own) return own;
  const openAiKey = environment.OPENAI_API_KEY?.trim();
  if (openAiKey && new URL(parseBaseUrl(baseUrl, 'The base URL')).hostname === 'api.openai.com') return openAiKey;
  return undefined;
}

export function authorizationHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}

export function openAiCompatibleAdvice(apiRoot: string): ServiceAdvice {
  return {
    service: 'the OpenAI-compatible server',
    howToStart: `Start one there, e.g. llama.cpp: \`llama-server -m embeddinggemma-300M-Q8_0.gguf --embeddings -ub 2048 -b 2048 --port 8080\` (the batch sizes let a 2,048-token input fit one batch), or check the base URL.`,
    modelNotFound: () => `List the models it serves with GET ${apiRoot}/models and pass one of those names.`,
    unauthorized: 'Check the API key (GEMMA_RAG_ENGINE_API_KEY; OPENAI_API_KEY is only sent to api.openai.com).',
  };
}

/** The HTTP client both OpenAI-compatible engines use: API root, key, transport options, advice. */
export function openAiCompatibleClient(
  options: HttpTransportOptions & { baseUrl?: string | undefined; apiKey?: string | undefined },
): HttpClient {
  const apiRoot = openAiApiRoot(options.baseUrl ?? defaultOpenAiCompatibleBaseUrl);
  return new HttpClient({
    baseUrl: apiRoot,
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
    headers: authorizationHeaders(options.apiKey),
    advice: openAiCompatibleAdvice(apiRoot),
  });
}
