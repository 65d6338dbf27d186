import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeTinyEmbeddingGemma } from '../../../test/fixtures/tiny-models.js';
import { writeTinyReranker } from '../../../test/fixtures/tiny-reranker.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { rankingModelContract } from '../ranking-model.contract.js';
import { LlamaCppRankingModel } from './llama-cpp-ranking-model.js';

// The real llama.cpp ranking path (bert with a classification head, rank pooling) on a tiny
// random-weight reranker written by the fixtures: scores are meaningless, plumbing is real.
let directory: string;
let reranker: string;
let embedding: string;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gemma-rag-reranker-'));
  [reranker, embedding] = await Promise.all([writeTinyReranker(directory), writeTinyEmbeddingGemma(directory)]);
});
after(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

rankingModelContract('llama-cpp', {
  create: () => LlamaCppRankingModel.load({ modelPath: reranker, threads: 1, gpu: false }),
});

test('scores are spread over (0, 1): the passage reaches the classification head', async () => {
  const model = await LlamaCppRankingModel.load({ modelPath: reranker, threads: 1, gpu: false });
  try {
    const { scores } = await model.rank({
      query: 'how do I reset my password',
      documents: ['reset the password at the portal', 'bake bread at 220 degrees', 'hello world', '你好世界'],
    });
    assert.ok(Math.max(...scores) - Math.min(...scores) > 0.1, scores.join(', '));
  } finally {
    await model.dispose();
  }
});

test('a passage longer than the context is scored by its best window, not refused', async () => {
  const model = await LlamaCppRankingModel.load({ modelPath: reranker, threads: 1, gpu: false, contextSize: 64 });
  try {
    const { scores } = await model.rank({ query: 'password', documents: ['the data file '.repeat(200)] });
    assert.ok(scores[0] !== undefined && scores[0] >= 0 && scores[0] <= 1);
  } finally {
    await model.dispose();
  }
});

test('an embedding model is not a reranker: MODEL_INCOMPATIBLE before llama.cpp loads it', async () => {
  await assert.rejects(LlamaCppRankingModel.load({ modelPath: embedding, threads: 1, gpu: false }), (error) => {
    assert.ok(GemmaRagError.isInstance(error));
    assert.equal(error.code, errorCodes.modelIncompatible);
    assert.match(error.message, /not a reranker: it has no classification head/);
    return true;
  });
});
