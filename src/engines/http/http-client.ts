import type { z } from 'zod';
import { abortedError, errorCodes, GemmaRagError, throwIfAborted } from '../../spec/errors.js';
import { parseWithCode } from '../../util/validation.js';
import { isConnectionLost, type ServiceAdvice, statusError, timeoutError, transportError } from './http-errors.js';
import { readLines } from './stream-lines.js';

export type FetchFunction = typeof globalThis.fetch;

/** Options every HTTP engine accepts. */
export interface HttpTransportOptions {
  /** The fetch implementation. Default `globalThis.fetch`; tests and proxies inject their own. */
  fetch?: FetchFunction | undefined;
  /**
   * Milliseconds the server may stay silent: until the whole response for JSON calls, and
   * between chunks for streams. Default 600,000 (10 min): a slow CPU embedding a full
   * batch of 2,048-token inputs, or loading a model on first use, can take minutes.
   */
  timeoutMs?: number | undefined;
}

export interface HttpClientOptions extends HttpTransportOptions {
  /** Root every path is appended to, without a trailing slash. */
  baseUrl: string;
  /** Sent with every request (e.g. Authorization). Never copied into errors. */
  headers?: Readonly<Record<string, string>> | undefined;
  advice: ServiceAdvice;
}

export interface HttpRequestOptions {
  abortSignal?: AbortSignal | undefined;
  /** The model the request names, so that a 404 can say "pull it". */
  model?: string | undefined;
}

export const defaultTimeoutMs = 600_000;

/**
 * One request's cancellation: the caller's signal, plus a silence timer that is re-armed
 * whenever data arrives. Knowing which one fired decides between ABORTED and a timeout.
 */
class RequestScope {
  readonly controller = new AbortController();
  timedOut = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal?.reason);

  constructor(
    readonly callerSignal: AbortSignal | undefined,
    private readonly timeoutMs: number,
  ) {
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.rearm();
  }

  rearm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`No data for ${this.timeoutMs} ms`));
    }, this.timeoutMs);
  }

  close(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}

/**
 * fetch with what every HTTP engine needs: a base URL, JSON bodies, a silence timeout,
 * AbortSignal support, and every failure turned into a GemmaRagError with a stable code
 * and advice (unreachable, unknown model, HTTP status, malformed body, abort).
 */
export class HttpClient {
  readonly baseUrl: string;
  private readonly fetch: FetchFunction;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  }

  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** Sends a request and validates the JSON response against `schema`. */
  async json<Schema extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: Schema,
    options: HttpRequestOptions = {},
  ): Promise<z.output<Schema>> {
    const url = this.url(path);
    const scope = new RequestScope(options.abortSignal, this.timeoutMs);
    let text: string;
    try {
      const response = await this.send(method, url, body, scope, options.model);
      text = await response.text();
    } catch (error) {
      throw this.failure(error, scope, url);
    } finally {
      scope.close();
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new GemmaRagError(
        errorCodes.engineFailure,
        `${this.options.advice.service} at ${url} answered with something that is not JSON: "${text.slice(0, 120)}"`,
        { data: { reason: 'malformed-response', url }, cause: error },
      );
    }
    return parseWithCode(
      schema,
      json,
      `response from ${this.options.advice.service} at ${url}`,
      errorCodes.engineFailure,
    );
  }

  /**
   * POSTs a JSON body and yields the response's text lines as they arrive. Ending the
   * iteration early (break, return) cancels the request.
   */
  async *lines(path: string, body: unknown, options: HttpRequestOptions = {}): AsyncGenerator<string> {
    const url = this.url(path);
    const scope = new RequestScope(options.abortSignal, this.timeoutMs);
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    try {
      const response = await this.send('POST', url, body, scope, options.model);
      if (!response.body) {
        throw new GemmaRagError(errorCodes.engineFailure, `${this.options.advice.service} at ${url} sent no body.`, {
          data: { reason: 'malformed-response', url },
        });
      }
      const streamReader = response.body.getReader();
      reader = streamReader;
      const chunks = async function* () {
        while (true) {
          const { done, value } = await streamReader.read();
          if (done) return;
          scope.rearm();
          yield value;
        }
      };
      for await (const line of readLines(chunks())) {
        yield line;
      }
    } catch (error) {
      throw this.failure(error, scope, url);
    } finally {
      scope.close();
      // Releases the connection when the consumer stopped early; a no-op after the end.
      await reader?.cancel().catch(() => undefined);
    }
  }

  private async send(
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    scope: RequestScope,
    model: string | undefined,
  ): Promise<Response> {
    throwIfAborted(scope.callerSignal);
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const request = () =>
      this.fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: scope.controller.signal,
      });
    let response: Response;
    try {
      response = await request();
    } catch (error) {
      // A kept-alive connection the server closed just as we reused it fails before any
      // response: the request never reached the server, so sending it once more is safe.
      if (!isConnectionLost(error) || scope.controller.signal.aborted) throw error;
      response = await request();
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw statusError(response, text, { url, model }, this.options.advice);
    }
    return response;
  }

  private failure(error: unknown, scope: RequestScope, url: string): GemmaRagError {
    if (scope.callerSignal?.aborted) return abortedError(scope.callerSignal);
    if (GemmaRagError.isInstance(error)) return error;
    if (scope.timedOut) return timeoutError(url, this.timeoutMs, this.options.advice);
    return transportError(error, url, this.options.advice);
  }
}
