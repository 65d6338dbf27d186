import type { ServiceAdvice } from '../http/http-errors.js';

export const defaultOllamaBaseUrl = 'http://127.0.0.1:11434';
export const defaultOllamaEmbeddingModel = 'embeddinggemma';
export const defaultOllamaLanguageModel = 'gemma3:4b';

/**
 * The server address the `ollama` command itself would use: `OLLAMA_HOST` in any of the
 * forms Ollama accepts (`host`, `host:port`, `:port`, `http://host:port`), else the default.
 * `0.0.0.0` (bind to all interfaces) is dialled as 127.0.0.1.
 */
export function ollamaBaseUrlFromEnvironment(environment: NodeJS.ProcessEnv = process.env): string {
  const host = environment.OLLAMA_HOST?.trim();
  if (!host) return defaultOllamaBaseUrl;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `http://${host}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    // Left for parseBaseUrl to reject with a clear message.
    return host;
  }
  if (url.hostname === '' || url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.port === '' && !/:\d+(\/|$)/.test(withScheme.replace(/^[a-z]+:\/\//i, ''))) {
    url.port = url.protocol === 'https:' ? '443' : '11434';
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export function ollamaAdvice(baseUrl: string): ServiceAdvice {
  const isDefault = baseUrl === defaultOllamaBaseUrl;
  return {
    service: 'Ollama',
    howToStart: `Start it with \`ollama serve\` (install from https://ollama.com)${isDefault ? ', or set OLLAMA_HOST if it listens elsewhere' : ', or check OLLAMA_HOST / the base URL'}.`,
    modelNotFound: (model) => `Download it with \`ollama pull ${model}\`.`,
  };
}
