import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeModelServer, sharedTermsLogit } from '../../../test/fixtures/fake-model-server.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { rankingModelContract } from '../ranking-model.contract.js';
import { OpenAiCompatibleRankingModel } from './openai-compatible-ranking-model.js';

// `/v1/rerank` in llama-server's shape on a local fake server.
let server: FakeModelServer;
let withoutRerank: FakeModelServer;
before(async () => {
  server = await FakeModelServer.start({ models: ['bge-reranker-v2-m3'] });
  withoutRerank = await FakeModelServer.start({ models: ['embeddinggemma'], rerankLogitFor: null });
});
after(async () => {
  await server?.close();
  await withoutRerank?.close();
});

rankingModelContract('openai-compatible', {
  create: () => OpenAiCompatibleRankingModel.create({ baseUrl: server.baseUrl }),
});

const sigmoid = (logit: number) => 1 / (1 + Math.exp(-logit));

test("llama-server's logits become probabilities (as node-llama-cpp gives them); results come back by index", async () => {
  const model = await OpenAiCompatibleRankingModel.create({ baseUrl: server.baseUrl });
  const documents = ['the office opens at nine', 'reset your password at the portal', 'reset it'];
  const { scores } = await model.rank({ query: 'reset password', documents });
  assert.deepEqual(
    scores,
    documents.map((document) => sigmoid(sharedTermsLogit('reset password', document))),
  );
  const request = server.requests.findLast((entry) => entry.path === '/v1/rerank');
  assert.deepEqual(request?.body, { model: 'bge-reranker-v2-m3', query: 'reset password', documents, top_n: 3 });
  const probabilities = await OpenAiCompatibleRankingModel.create({ baseUrl: server.baseUrl, scores: 'probabilities' });
  assert.deepEqual((await probabilities.rank({ query: 'reset password', documents })).scores, [0, 0, 0]);
});

test('a server without --rerank, a short answer and a malformed one are ENGINE_FAILURE with the reason', async () => {
  const unsupported = await OpenAiCompatibleRankingModel.create({ baseUrl: withoutRerank.baseUrl });
  await assert.rejects(unsupported.rank({ query: 'q', documents: ['a'] }), (error) => {
    assert.ok(GemmaRagError.isInstance(error));
    assert.match(error.message, /does not support reranking/);
    return true;
  });
  const model = await OpenAiCompatibleRankingModel.create({ baseUrl: server.baseUrl });
  server.fail('/v1/rerank', { kind: 'wrong-count' }, 1);
  await assert.rejects(model.rank({ query: 'q', documents: ['a', 'b'] }), (error) => {
    assert.ok(GemmaRagError.isInstance(error));
    assert.equal(error.code, errorCodes.engineFailure);
    assert.match(error.message, /returned 1 rerank scores for 2 passages/);
    return true;
  });
  server.fail('/v1/rerank', { kind: 'wrong-shape' }, 1);
  await assert.rejects(model.rank({ query: 'q', documents: ['a'] }), (error) => {
    assert.ok(GemmaRagError.isInstance(error));
    assert.equal(error.code, errorCodes.engineFailure);
    return true;
  });
});
