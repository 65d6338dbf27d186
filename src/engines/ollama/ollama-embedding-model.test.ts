import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeModelServer, fakeEmbedding } from '../../../test/fixtures/fake-model-server.js';
import { Embedder } from '../../embedding/embedder.js';
import { embeddingGemma } from '../../embedding/model-profiles.js';
import { type ErrorCode, errorCodes, GemmaRagError } from '../../spec/errors.js';
import { embeddingModelContract, textOfTokens } from '../embedding-model.contract.js';
import { unreachableErrorCode } from '../http/http-errors.js';
import { OllamaEmbeddingModel } from './ollama-embedding-model.js';
import { ollamaBaseUrlFromEnvironment } from './ollama-settings.js';

let server: FakeModelServer;

before(async () => {
  server = await FakeModelServer.start();
});

after(async () => {
  await server?.close();
});

const create = (options: Parameters<typeof OllamaEmbeddingModel.create>[0] = {}) =>
  OllamaEmbeddingModel.create({ baseUrl: server.baseUrl, ...options });

embeddingModelContract('ollama', {
  create: async () => {
    server.reset();
    return create();
  },
  receivedInputs: () => server.embeddingInputs(),
  makeSlow: () => server.fail('/api/embed', { kind: 'slow', delayMs: 5000 }, 1),
});

async function assertFails(promise: Promise<unknown>, code: ErrorCode, pattern: RegExp, reason?: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(GemmaRagError.isInstance(error), `not a GemmaRagError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    if (reason !== undefined) assert.equal(error.data.reason, reason);
    return true;
  });
}

test('sends model, an input array and truncate: false; no dimensions or keep_alive unless asked', async () => {
  server.reset();
  const model = await create();
  await model.embed({ values: ['task: search result | query: hi'] });
  const bodies = server.requests.filter((request) => request.path === '/api/embed').map((request) => request.body);
  assert.equal(bodies.length, 2, 'the probe at load, then the call');
  assert.deepEqual(bodies[1], { model: 'embeddinggemma', input: ['task: search result | query: hi'], truncate: false });
});

test('the model is identified by its Ollama digest; its size and quantization are read at load', async () => {
  server.reset();
  const model = await create();
  assert.equal(model.dimensions, 768);
  assert.match(model.fingerprint, /^ollama:[0-9a-f]{64}$/);
  assert.equal(model.quantization, 'Q8_0');
  assert.equal(model.modelId, 'embeddinggemma');
  // Another name for the same manifest ("…:latest") is the same model.
  assert.equal((await create({ model: 'embeddinggemma:latest' })).fingerprint, model.fingerprint);
});

test('without /api/tags the fingerprint falls back to address and model name', async () => {
  server.reset();
  server.fail('/api/tags', { kind: 'status', status: 500, body: '{"error":"boom"}' });
  const model = await create();
  assert.equal(model.fingerprint, `${server.baseUrl}|embeddinggemma`);
});

test('server-side dimensions and keep_alive are sent when asked, and equal local Matryoshka truncation', async () => {
  server.reset();
  const model = await create({ dimensions: 256, keepAlive: '10m' });
  assert.equal(model.dimensions, 256);
  assert.match(model.fingerprint, /\/d256$/);
  const text = 'title: none | text: Mars is red.';
  const [serverSide] = (await model.embed({ values: [text] })).embeddings;
  const body = server.requests.at(-1)?.body as Record<string, unknown>;
  assert.equal(body.dimensions, 256);
  assert.equal(body.keep_alive, '10m');
  const local = await new Embedder({ model: await create(), profile: embeddingGemma, dimensions: 256 }).embedMany(
    [text],
    { prompt: { kind: 'none' } },
  );
  assert.ok(serverSide && local[0]);
  for (let index = 0; index < 256; index++)
    assert.ok(Math.abs((serverSide[index] ?? 0) - (local[0][index] ?? 0)) < 1e-6);
});

test('an Ollama too old for dimensions (ignores them) is refused at load with advice', async () => {
  const old = await FakeModelServer.start({ supportsDimensions: false });
  try {
    await assertFails(
      OllamaEmbeddingModel.create({ baseUrl: old.baseUrl, dimensions: 256 }),
      errorCodes.engineFailure,
      /0\.11\.11/,
    );
  } finally {
    await old.close();
  }
});

test('through the Embedder: unit vectors equal to what Ollama returned (re-normalizing is harmless)', async () => {
  server.reset();
  const embedder = new Embedder({ model: await create(), profile: embeddingGemma });
  const vector = await embedder.embedQuery('Which planet is red?');
  const expected = fakeEmbedding('task: search result | query: Which planet is red?', 768);
  for (const [index, value] of expected.entries()) assert.ok(Math.abs((vector[index] ?? 0) - value) < 1e-6);
});

test('an unreachable server names the URL and how to start Ollama', async () => {
  const closed = await FakeModelServer.start();
  const baseUrl = closed.baseUrl;
  await closed.close();
  await assertFails(
    OllamaEmbeddingModel.create({ baseUrl }),
    unreachableErrorCode,
    /Cannot reach Ollama at http:\/\/127\.0\.0\.1:\d+\/api\/embed \(ECONNREFUSED\)\. Start it with `ollama serve`/,
    'unreachable',
  );
});

test('a model Ollama does not have is MODEL_NOT_FOUND with the pull command', async () => {
  await assertFails(
    create({ model: 'embeddinggemma:300m-qat-q4_0' }),
    errorCodes.modelNotFound,
    /ollama pull embeddinggemma:300m-qat-q4_0/,
  );
});

test('server failures after load map to ENGINE_FAILURE with the reason', async () => {
  server.reset();
  const model = await create();
  const values = ['one', 'two'];
  const cases = [
    [
      { kind: 'status', status: 500, body: '{"error":"llama runner process has terminated"}' },
      /500.*llama runner process has terminated/,
      undefined,
    ],
    [{ kind: 'malformed-json' }, /not JSON/, 'malformed-response'],
    [{ kind: 'wrong-shape' }, /Invalid response from Ollama.*embeddings/, undefined],
    [{ kind: 'wrong-dimensions', dimensions: 512 }, /512-dimensional.*768/, 'wrong-dimensions'],
    [{ kind: 'wrong-count' }, /1 embeddings for 2 inputs/, 'wrong-count'],
    [{ kind: 'drop-connection' }, /Ollama at .*\/api\/embed/, undefined],
  ] as const;
  for (const [failure, pattern, reason] of cases) {
    // A dropped connection is retried once (a stale kept-alive socket), so it must drop twice.
    server.fail('/api/embed', failure, failure.kind === 'drop-connection' ? 2 : 1);
    await assertFails(model.embed({ values }), errorCodes.engineFailure, pattern, reason);
  }
  // Dropped once: the retry answers, and the caller never sees the failure.
  server.fail('/api/embed', { kind: 'drop-connection' }, 1);
  assert.equal((await model.embed({ values })).embeddings.length, 2);
  server.fail('/api/embed', { kind: 'unknown-model' }, 1);
  await assertFails(model.embed({ values }), errorCodes.modelNotFound, /ollama pull embeddinggemma/);
});

test('a server silent for longer than the timeout is an ENGINE_FAILURE, not ABORTED', async () => {
  server.reset();
  const model = await create({ timeoutMs: 100 });
  server.fail('/api/embed', { kind: 'slow', delayMs: 3000 }, 1);
  await assertFails(model.embed({ values: ['x'] }), errorCodes.engineFailure, /sent nothing for 0.1 s/, 'timeout');
});

test('uses the injected fetch; refuses more inputs than one call takes', async () => {
  let calls = 0;
  const model = await create({
    maxEmbeddingsPerCall: 2,
    fetch: (input, init) => {
      calls += 1;
      return fetch(input, init);
    },
  });
  assert.ok(calls >= 1);
  await assertFails(model.embed({ values: ['a', 'b', 'c'] }), errorCodes.invalidArgument, /at most 2 inputs/);
});

test('OLLAMA_HOST is read the way the ollama command reads it', () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'http://127.0.0.1:11434'],
    ['', 'http://127.0.0.1:11434'],
    ['0.0.0.0', 'http://127.0.0.1:11434'],
    ['0.0.0.0:8000', 'http://127.0.0.1:8000'],
    ['gpu-box', 'http://gpu-box:11434'],
    ['gpu-box:80', 'http://gpu-box'],
    ['https://ollama.example.com', 'https://ollama.example.com'],
    ['http://10.0.0.2:11434/', 'http://10.0.0.2:11434'],
  ];
  for (const [value, expected] of cases) {
    assert.equal(
      ollamaBaseUrlFromEnvironment(value === undefined ? {} : { OLLAMA_HOST: value }),
      expected,
      String(value),
    );
  }
});

test('a server whose own limit is lower refuses an input as INPUT_TOO_LONG, in its words, not as an engine failure', async () => {
  const strict = await FakeModelServer.start({ maxInputTokens: 512 });
  try {
    const model = await OllamaEmbeddingModel.create({ baseUrl: strict.baseUrl });
    await assertFails(
      model.embed({ values: [await textOfTokens(model, 600)] }),
      errorCodes.inputTooLong,
      /exceeds the context length/,
    );
    assert.equal((await model.embed({ values: [await textOfTokens(model, 512)] })).embeddings.length, 1);
  } finally {
    await strict.close();
  }
});
