import assert from 'node:assert/strict';
import test from 'node:test';
import type { EmbeddingModel } from '../spec/embedding-model.js';
import { CachingEmbeddingModel } from './caching-embedding-model.js';
import { Embedder } from './embedder.js';
import { embeddingGemma } from './model-profiles.js';

/** A fake engine that counts what it is asked to embed; vector i = the input's char codes. */
function countingModel(): EmbeddingModel & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    engine: 'fake',
    label: 'fake',
    modelId: 'fake',
    fingerprint: 'fake',
    dimensions: 768,
    maxInputTokens: 2048,
    maxEmbeddingsPerCall: 8,
    countTokens: async ({ values }) => values.map((value) => value.length + 2),
    embed: async ({ values }) => {
      calls.push([...values]);
      return {
        embeddings: values.map((value) => {
          const vector = new Float32Array(768);
          for (let index = 0; index < 768; index++) vector[index] = Math.sin(value.length * (index + 1) + index);
          return vector;
        }),
      };
    },
    dispose: async () => {},
  };
}

test('each distinct input reaches the engine once, whatever the Matryoshka size asking', async () => {
  const inner = countingModel();
  const model = new CachingEmbeddingModel(inner);
  const full = new Embedder({ model, profile: embeddingGemma });
  const small = new Embedder({ model, profile: embeddingGemma, dimensions: 128 });
  const [a768] = await full.embedMany(['alpha'], { prompt: { kind: 'none' } });
  const [a128, b128] = await small.embedMany(['alpha', 'beta', 'beta'], { prompt: { kind: 'none' } });
  assert.deepEqual(inner.calls, [['alpha'], ['beta']]);
  assert.deepEqual(model.stats, { embedded: 2, reused: 2 });
  // The 128-d vector is the re-normalized prefix of the 768-d one.
  const prefix = a768?.subarray(0, 128) as Float32Array;
  const norm = Math.hypot(...prefix);
  const largestError = Math.max(
    ...Array.from(a128 ?? [], (value, index) => Math.abs(value - (prefix[index] as number) / norm)),
  );
  assert.ok(largestError < 1e-6, `off by ${largestError}`);
  assert.equal(b128?.length, 128);
});

test('a prompt is part of the key: the same text under two prompts is embedded twice', async () => {
  const inner = countingModel();
  const embedder = new Embedder({ model: new CachingEmbeddingModel(inner), profile: embeddingGemma });
  await embedder.embedQuery('x', { promptName: 'Classification' });
  await embedder.embedQuery('x', { promptName: 'Retrieval-query' });
  await embedder.embedQuery('x', { promptName: 'Classification' });
  assert.equal(inner.calls.length, 2);
});

test('a cache smaller than one batch still returns every vector of that batch', async () => {
  const inner = countingModel();
  const model = new CachingEmbeddingModel(inner, { maxEntries: 2 });
  const { embeddings } = await model.embed({ values: ['a', 'bb', 'ccc', 'dddd'] });
  assert.deepEqual(
    embeddings.map((vector) => vector.length),
    [768, 768, 768, 768],
  );
  assert.ok(embeddings.every((vector) => vector.some((value) => value !== 0)));
  await model.embed({ values: ['a'] });
  assert.equal(inner.calls.length, 2, 'the oldest entry was dropped, so "a" is embedded again');
});

test('callers may change returned vectors without changing the cache', async () => {
  const model = new CachingEmbeddingModel(countingModel());
  const first = (await model.embed({ values: ['a'] })).embeddings[0] as Float32Array;
  const before = first[0];
  first.fill(0);
  const again = (await model.embed({ values: ['a'] })).embeddings[0] as Float32Array;
  assert.equal(again[0], before);
});
