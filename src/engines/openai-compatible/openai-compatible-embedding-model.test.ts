import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeModelServer } from '../../../test/fixtures/fake-model-server.js';
import { cosineSimilarity } from '../../embedding/vector-math.js';
import { type ErrorCode, errorCodes, GemmaRagError } from '../../spec/errors.js';
import { embeddingModelContract, textOfTokens } from '../embedding-model.contract.js';
import { unreachableErrorCode } from '../http/http-errors.js';
import { OpenAiCompatibleEmbeddingModel } from './openai-compatible-embedding-model.js';
import { apiKeyFromEnvironment, openAiApiRoot } from './openai-compatible-settings.js';

let server: FakeModelServer;

before(async () => {
  // Answers in reverse order, as a server may: the engine must sort by index.
  server = await FakeModelServer.start({ reverseEmbeddingOrder: true, apiKey: 'secret-key' });
});

after(async () => {
  await server?.close();
});

const create = (options: Parameters<typeof OpenAiCompatibleEmbeddingModel.create>[0] = {}) =>
  OpenAiCompatibleEmbeddingModel.create({
    baseUrl: server.baseUrl,
    model: 'embeddinggemma',
    apiKey: 'secret-key',
    ...options,
  });

embeddingModelContract('openai-compatible', {
  create: async () => {
    server.reset();
    return create();
  },
  receivedInputs: () => server.embeddingInputs(),
  makeSlow: () => server.fail('/v1/embeddings', { kind: 'slow', delayMs: 5000 }, 1),
});

async function assertFails(promise: Promise<unknown>, code: ErrorCode, pattern: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(GemmaRagError.isInstance(error), `not a GemmaRagError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

test('sends model, input array, encoding_format float and the bearer key; no dimensions unless asked', async () => {
  server.reset();
  const model = await create();
  await model.embed({ values: ['a', 'b'] });
  const last = server.requests.at(-1);
  assert.equal(last?.path, '/v1/embeddings');
  assert.equal(last?.headers.authorization, 'Bearer secret-key');
  assert.deepEqual(last?.body, { model: 'embeddinggemma', input: ['a', 'b'], encoding_format: 'float' });
  assert.equal(model.fingerprint, `${server.baseUrl}/v1|embeddinggemma`);
});

test('results are put back in input order by index', async () => {
  server.reset();
  const model = await create();
  const { embeddings } = await model.embed({ values: ['first', 'second', 'third'] });
  for (const [index, text] of ['first', 'second', 'third'].entries()) {
    const [alone] = (await model.embed({ values: [text] })).embeddings;
    assert.ok(alone && embeddings[index]);
    assert.ok(cosineSimilarity(alone, embeddings[index]) > 0.9999, text);
  }
});

test('the base URL works with or without /v1', async () => {
  server.reset();
  await create({ baseUrl: `${server.baseUrl}/v1/` });
  await create({ baseUrl: server.baseUrl });
  assert.ok(server.requests.every((request) => request.path === '/v1/embeddings'));
  assert.equal(openAiApiRoot('http://h:8080'), 'http://h:8080/v1');
  assert.equal(openAiApiRoot('http://h:8080/v1'), 'http://h:8080/v1');
  assert.equal(
    openAiApiRoot('https://generativelanguage.googleapis.com/v1beta/openai/'),
    'https://generativelanguage.googleapis.com/v1beta/openai',
  );
});

test('dimensions are sent only when asked; a server that ignores them is refused at load', async () => {
  server.reset();
  const model = await create({ dimensions: 128 });
  assert.equal(model.dimensions, 128);
  await model.embed({ values: ['x'] });
  assert.equal(((server.requests.at(-1)?.body ?? {}) as { dimensions?: number }).dimensions, 128);
  const llamaServer = await FakeModelServer.start({ supportsDimensions: false });
  try {
    await assertFails(
      OpenAiCompatibleEmbeddingModel.create({ baseUrl: llamaServer.baseUrl, model: 'embeddinggemma', dimensions: 128 }),
      errorCodes.engineFailure,
      /ignores `dimensions`/,
    );
  } finally {
    await llamaServer.close();
  }
});

test("without a model name: the server's only model, or an error listing several", async () => {
  const single = await FakeModelServer.start({ models: ['ggml-org/embeddinggemma-300M-GGUF'] });
  try {
    const model = await OpenAiCompatibleEmbeddingModel.create({ baseUrl: single.baseUrl });
    assert.equal(model.modelId, 'ggml-org/embeddinggemma-300M-GGUF');
  } finally {
    await single.close();
  }
  await assertFails(
    OpenAiCompatibleEmbeddingModel.create({ baseUrl: server.baseUrl, apiKey: 'secret-key' }),
    errorCodes.invalidArgument,
    /serves 2 models; name one: embeddinggemma, gemma3:4b/,
  );
});

test('failures: wrong key, unknown model, unreachable, wrong shape or size', async () => {
  await assertFails(
    create({ apiKey: 'wrong' }),
    errorCodes.engineFailure,
    /refused the request \(401: Incorrect API key/,
  );
  await assertFails(create({ model: 'text-embedding-3-small' }), errorCodes.modelNotFound, /GET .*\/v1\/models/);
  const closed = await FakeModelServer.start();
  await closed.close();
  await assertFails(
    OpenAiCompatibleEmbeddingModel.create({ baseUrl: closed.baseUrl, model: 'm' }),
    unreachableErrorCode,
    /Cannot reach the OpenAI-compatible server at .*llama-server/,
  );
  server.reset();
  const model = await create();
  server.fail('/v1/embeddings', { kind: 'wrong-dimensions', dimensions: 3 }, 1);
  await assertFails(model.embed({ values: ['a'] }), errorCodes.engineFailure, /3-dimensional/);
  server.fail('/v1/embeddings', { kind: 'wrong-count' }, 1);
  await assertFails(
    model.embed({ values: ['a', 'b'] }),
    errorCodes.engineFailure,
    /returned 1 embeddings for 2 inputs/,
  );
  server.fail('/v1/embeddings', { kind: 'wrong-shape' }, 1);
  await assertFails(model.embed({ values: ['a'] }), errorCodes.engineFailure, /Invalid response.*data/);
});

test('API keys: GEMMA_RAG_ENGINE_API_KEY anywhere; OPENAI_API_KEY only for api.openai.com', () => {
  const environment = { OPENAI_API_KEY: 'sk-openai' };
  assert.equal(apiKeyFromEnvironment('http://127.0.0.1:8080', environment), undefined);
  assert.equal(apiKeyFromEnvironment('https://api.openai.com/v1', environment), 'sk-openai');
  assert.equal(
    apiKeyFromEnvironment('http://127.0.0.1:8080', { ...environment, GEMMA_RAG_ENGINE_API_KEY: 'own' }),
    'own',
  );
  assert.equal(
    apiKeyFromEnvironment('https://api.openai.com', { ...environment, GEMMA_RAG_ENGINE_API_KEY: 'own' }),
    'own',
  );
});

test('a server whose own limit is lower refuses an input as INPUT_TOO_LONG, in its words, not as an engine failure', async () => {
  const strict = await FakeModelServer.start({ maxInputTokens: 512 });
  try {
    const model = await OpenAiCompatibleEmbeddingModel.create({ baseUrl: strict.baseUrl, model: 'embeddinggemma' });
    await assertFails(
      model.embed({ values: [await textOfTokens(model, 600)] }),
      errorCodes.inputTooLong,
      /exceeds the available context size/,
    );
    assert.equal((await model.embed({ values: [await textOfTokens(model, 512)] })).embeddings.length, 1);
  } finally {
    await strict.close();
  }
});
