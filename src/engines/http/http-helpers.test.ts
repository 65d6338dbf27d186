import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { parseBaseUrl } from './base-url.js';
import {
  networkErrorCode,
  serverErrorMessage,
  statusError,
  transportError,
  unreachableErrorCode,
} from './http-errors.js';
import { parseNdjson } from './ndjson.js';
import { parseServerSentEvents } from './server-sent-events.js';
import { readLines } from './stream-lines.js';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function* chunksOf(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
}

const advice = {
  service: 'Ollama',
  howToStart: 'Start it with `ollama serve`.',
  modelNotFound: (model: string) => `Run \`ollama pull ${model}\`.`,
};

test('readLines: every possible chunk boundary, through multi-byte characters, gives the same lines', async () => {
  const text = 'première ligne ☕\r\n東京😀\n\nlast line without newline';
  const bytes = new TextEncoder().encode(text);
  const expected = ['première ligne ☕', '東京😀', '', 'last line without newline'];
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.deepEqual(await collect(readLines(chunksOf(bytes, [cut]))), expected, `cut at byte ${cut}`);
  }
  const oneByteAtATime = Array.from({ length: bytes.length }, (_, index) => index + 1);
  assert.deepEqual(await collect(readLines(chunksOf(bytes, oneByteAtATime))), expected);
});

test('parseNdjson: skips blank lines; a line that is not JSON is an ENGINE_FAILURE naming the source', async () => {
  const lines = async function* () {
    yield '{"a":1}';
    yield '   ';
    yield '{"b":2}';
  };
  assert.deepEqual(await collect(parseNdjson(lines(), 'Ollama')), [{ a: 1 }, { b: 2 }]);
  const broken = async function* () {
    yield '{"a":';
  };
  await assert.rejects(collect(parseNdjson(broken(), 'Ollama (gemma3:4b)')), (error: unknown) => {
    assert.ok(GemmaRagError.isInstance(error));
    assert.equal(error.code, errorCodes.engineFailure);
    assert.match(error.message, /Ollama \(gemma3:4b\)/);
    return true;
  });
});

test('parseServerSentEvents: multi-line data, comments, event names, CRLF, and an unterminated last event', async () => {
  const text = ': keep-alive\r\ndata: {"x":1}\r\n\r\nevent: note\ndata: first\ndata:second\n\ndata: [DONE]';
  const bytes = new TextEncoder().encode(text);
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.deepEqual(await collect(parseServerSentEvents(readLines(chunksOf(bytes, [cut])))), [
      { event: undefined, data: '{"x":1}' },
      { event: 'note', data: 'first\nsecond' },
      { event: undefined, data: '[DONE]' },
    ]);
  }
});

test('serverErrorMessage reads the error text of Ollama, OpenAI, vLLM, TEI and plain-text bodies', () => {
  assert.equal(serverErrorMessage('{"error":"model \\"x\\" not found"}'), 'model "x" not found');
  assert.equal(serverErrorMessage('{"error":{"message":"bad key","code":"invalid_api_key"}}'), 'bad key');
  assert.equal(
    serverErrorMessage('{"object":"error","message":"The model `x` does not exist."}'),
    'The model `x` does not exist.',
  );
  assert.equal(
    serverErrorMessage('{"error":"Input validation error","error_type":"Validation"}'),
    'Input validation error',
  );
  assert.equal(serverErrorMessage('404 page not found\n'), '404 page not found');
  assert.equal(serverErrorMessage(''), '(empty body)');
});

test('statusError: 404 about a model is MODEL_NOT_FOUND with advice; 404 about a path is a wrong-endpoint failure', () => {
  const request = { url: 'http://127.0.0.1:11434/api/embed', model: 'embeddinggemma' };
  const missing = statusError(
    { status: 404, statusText: 'Not Found' },
    '{"error":"model \\"embeddinggemma\\" not found, try pulling it first"}',
    request,
    advice,
  );
  assert.equal(missing.code, errorCodes.modelNotFound);
  assert.match(missing.message, /ollama pull embeddinggemma/);
  const route = statusError({ status: 404, statusText: 'Not Found' }, '404 page not found', request, advice);
  assert.equal(route.code, errorCodes.engineFailure);
  assert.match(route.message, /base URL/);
  const crash = statusError(
    { status: 500, statusText: 'Internal Server Error' },
    '{"error":"out of memory"}',
    request,
    advice,
  );
  assert.equal(crash.code, errorCodes.engineFailure);
  assert.match(crash.message, /500 Internal Server Error: out of memory/);
  assert.deepEqual(crash.data, {
    status: 500,
    url: request.url,
    serverMessage: 'out of memory',
    model: 'embeddinggemma',
  });
});

test('transport errors: refused (even wrapped in an AggregateError) is unreachable with advice; others are failures', () => {
  const refused = new TypeError('fetch failed', {
    cause: new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:11434'), { code: 'ECONNREFUSED' })]),
  });
  assert.equal(networkErrorCode(refused), 'ECONNREFUSED');
  const error = transportError(refused, 'http://localhost:11434/api/embed', advice);
  assert.equal(error.code, unreachableErrorCode);
  assert.equal(error.data.reason, 'unreachable');
  assert.match(error.message, /Cannot reach Ollama at http:\/\/localhost:11434\/api\/embed.*ollama serve/);
  const reset = transportError(
    new TypeError('terminated', { cause: { code: 'UND_ERR_SOCKET' } }),
    'http://x/y',
    advice,
  );
  assert.equal(reset.data.reason, 'connection-lost');
  assert.equal(transportError(new Error('weird'), 'http://x/y', advice).data.reason, 'transport');
});

test('parseBaseUrl: trims trailing slashes, rejects non-HTTP schemes and garbage', () => {
  assert.equal(parseBaseUrl('http://127.0.0.1:11434/', 'URL'), 'http://127.0.0.1:11434');
  assert.equal(parseBaseUrl('https://host/v1/', 'URL'), 'https://host/v1');
  for (const bad of ['ftp://host', 'localhost:11434x', 'not a url']) {
    assert.throws(
      () => parseBaseUrl(bad, 'URL'),
      (error: unknown) => {
        assert.ok(GemmaRagError.isInstance(error));
        assert.equal(error.code, errorCodes.invalidArgument);
        return true;
      },
    );
  }
});
