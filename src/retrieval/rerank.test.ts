import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedEmbeddingModel, ScriptedRankingModel } from '../../test/fixtures/fake-models.js';
import { Embedder } from '../embedding/embedder.js';
import { embeddingGemma } from '../embedding/model-profiles.js';
import { ingestDocuments } from '../ingest/ingest-documents.js';
import { SqliteKnowledgeBase } from '../stores/sqlite/sqlite-knowledge-base.js';
import { KnowledgeIndex } from './knowledge-index.js';
import { retrieve } from './retrieve.js';
import { resolveRoute } from './route.js';

// Cosine to the question (vector [1, 0]): alpha 0.9, bravo 0.6, charlie 0.2 (below the 0.4 gate).
const vectors = [
  { match: 'alpha', vector: [0.9, Math.sqrt(1 - 0.81)] },
  { match: 'bravo', vector: [0.6, 0.8] },
  { match: 'charlie', vector: [0.2, Math.sqrt(1 - 0.04)] },
];
// The reranker prefers bravo, and would love charlie.
const rerankScores: Record<string, number> = { alpha: 0.3, bravo: 0.9, charlie: 0.99 };
const thresholds = { category: 0.4, document: 0.4 };

async function setUp() {
  const embedder = new Embedder({ model: new KeyedEmbeddingModel(2, vectors, [1, 0]), profile: embeddingGemma });
  const store = await SqliteKnowledgeBase.open(':memory:');
  await ingestDocuments({
    knowledgeBase: store,
    embedder,
    documents: ['alpha', 'bravo', 'charlie'].map((word) => ({
      source: `/kb/${word}`,
      title: word,
      content: `The ${word} policy.`,
      category: 'Policies',
    })),
  });
  const reranker = new ScriptedRankingModel(
    (_query, passage) => rerankScores[Object.keys(rerankScores).find((word) => passage.includes(word)) ?? ''] ?? 0,
  );
  return { index: new KnowledgeIndex(embedder, store), reranker, store };
}

test('the reranker reads only what passed the embedding gate, reorders it, and its choice is answered from', async () => {
  const { index, reranker, store } = await setUp();
  const result = await retrieve(index, 'Which policy applies?', {
    route: resolveRoute({ mode: 'flat' }),
    thresholds,
    rerank: { model: reranker, top: 20, threshold: 0.5 },
  });
  // charlie (cosine 0.2) never reaches the reranker, however much it would like it.
  const read = reranker.received.flatMap((call) => call.documents);
  assert.deepEqual(read, ['alpha\nThe alpha policy.', 'bravo\nThe bravo policy.']);
  assert.ok(reranker.received.every((call) => call.query === 'Which policy applies?'));
  assert.equal(result.document?.title, 'bravo');
  assert.equal(result.document?.rerankScore, 0.9);
  assert.ok(Math.abs((result.document?.score ?? 0) - 0.6) < 1e-6, 'the cosine score is kept');
  assert.deepEqual(
    result.scores.documents.map(({ title, rerankScore }) => [title, rerankScore]),
    [
      ['bravo', 0.9],
      ['alpha', 0.3],
      ['charlie', undefined],
    ],
  );
  assert.equal(result.context[0]?.rerankScore, 0.9);
  assert.deepEqual(result.rerank, {
    engine: 'scripted',
    model: 'scripted-reranker',
    top: 20,
    threshold: 0.5,
    candidates: 2,
  });
  await store.close();
});

test("the reranker's own floor refuses when nothing it read reaches it; the embedding gate still refuses first", async () => {
  const { index, reranker, store } = await setUp();
  const strict = await retrieve(index, 'Which policy applies?', {
    route: resolveRoute({ mode: 'flat' }),
    thresholds,
    rerank: { model: reranker, top: 20, threshold: 0.95 },
  });
  assert.equal(strict.document, null);
  assert.equal(strict.refusal, 'rerank-below-threshold');
  assert.deepEqual(strict.context, []);

  const gated = await retrieve(index, 'Which policy applies?', {
    route: resolveRoute({ mode: 'flat' }),
    thresholds: { category: 0.4, document: 0.95 },
    rerank: { model: reranker, top: 20, threshold: 0 },
  });
  assert.equal(gated.refusal, 'document-below-threshold', 'nothing passed the embedding gate');
  assert.equal(gated.rerank?.candidates, 0);
  await store.close();
});

test('--rerank-top bounds what is read, in the route order; batches follow the model', async () => {
  const { index, reranker, store } = await setUp();
  const result = await retrieve(index, 'Which policy applies?', {
    route: resolveRoute({ mode: 'flat' }),
    thresholds,
    rerank: { model: reranker, top: 1, threshold: 0.2 },
  });
  assert.deepEqual(
    reranker.received.map((call) => call.documents.length),
    [1],
  );
  assert.equal(result.document?.title, 'alpha', 'only the best cosine passage was read');
  assert.equal(result.rerank?.candidates, 1);

  const batched = new ScriptedRankingModel(() => 0.5, 1);
  await retrieve(index, 'Which policy applies?', {
    route: resolveRoute({ mode: 'flat' }),
    thresholds,
    rerank: { model: batched, top: 20, threshold: 0 },
  });
  assert.deepEqual(
    batched.received.map((call) => call.documents.length),
    [1, 1],
  );
  await store.close();
});

test('two-stage: the reranker reorders within the searched category only', async () => {
  const { index, reranker, store } = await setUp();
  const result = await retrieve(index, 'Which policy applies?', {
    route: resolveRoute({ mode: 'two-stage' }),
    thresholds: { category: -1, document: 0.4 },
    rerank: { model: reranker, top: 20, threshold: 0.5 },
  });
  assert.equal(result.category?.name, 'Policies');
  assert.equal(result.document?.title, 'bravo');
  await store.close();
});
