import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordingEmbeddingModel } from '../../test/fixtures/fake-models.js';
import { errorCodes } from '../spec/errors.js';
import { Embedder } from './embedder.js';
import { embeddingGemma, embeddingGemma2 } from './model-profiles.js';
import { dot } from './vector-math.js';

const norm = (vector: Float32Array) => Math.sqrt(dot(vector, vector));

test('query and document prompts are prepended before the engine sees the text', async () => {
  const model = new RecordingEmbeddingModel();
  const embedder = new Embedder({ model, profile: embeddingGemma });
  await embedder.embedQuery('reset password');
  await embedder.embedQuery('reset password', { promptName: 'Classification' });
  await embedder.embedDocument({ title: 'Passwords', content: 'Use the portal.' });
  await embedder.embedDocument({ content: 'No title here.' });
  assert.deepEqual(model.calls.flat(), [
    'task: search result | query: reset password',
    'task: classification | query: reset password',
    'title: Passwords | text: Use the portal.',
    'title: none | text: No title here.',
  ]);
});

test('output is unit length, truncated with re-normalization when dimensions are smaller', async () => {
  const model = new RecordingEmbeddingModel(16);
  const full = await new Embedder({ model, profile: embeddingGemma }).embedQuery('hello world');
  assert.equal(full.length, 16);
  assert.ok(Math.abs(norm(full) - 1) < 1e-6);
  const short = await new Embedder({ model, profile: embeddingGemma, dimensions: 4 }).embedQuery('hello world');
  assert.equal(short.length, 4);
  assert.ok(Math.abs(norm(short) - 1) < 1e-6);
});

test('batches follow maxEmbeddingsPerCall, keep input order and report progress', async () => {
  const model = new RecordingEmbeddingModel(8, 100, 3);
  const embedder = new Embedder({ model, profile: embeddingGemma });
  const texts = ['one', 'two', 'three', 'four', 'five', 'six', 'seven'];
  const progress: string[] = [];
  const vectors = await embedder.embedMany(texts, {
    prompt: { kind: 'none' },
    onProgress: (done, total) => progress.push(`${done}/${total}`),
  });
  assert.deepEqual(
    model.calls.map((call) => call.length),
    [3, 3, 1],
  );
  assert.deepEqual(progress, ['0/7', '3/7', '6/7', '7/7']);
  texts.forEach((text, index) => {
    const raw = model.vectorFor(text);
    const scale = 1 / Math.sqrt(dot(raw, raw));
    assert.ok(Math.abs((vectors[index]?.[0] ?? 0) - (raw[0] ?? 0) * scale) < 1e-6, `order at ${index}`);
  });
});

test('per-input prompts override the call prompt', async () => {
  const model = new RecordingEmbeddingModel();
  const embedder = new Embedder({ model, profile: embeddingGemma });
  await embedder.embedMany(['a', { text: 'b', prompt: { kind: 'document', title: 'T' } }], {
    prompt: { kind: 'named', name: 'STS' },
  });
  assert.deepEqual(model.calls.flat(), ['task: sentence similarity | query: a', 'title: T | text: b']);
});

test('an input over the token limit is an INPUT_TOO_LONG error naming its token count; nothing is embedded', async () => {
  const model = new RecordingEmbeddingModel(8, 10_000);
  const embedder = new Embedder({ model, profile: embeddingGemma });
  const long = Array.from({ length: 2100 }, () => 'word').join(' ');
  await assert.rejects(
    embedder.embedMany([long], { prompt: { kind: 'none' } }),
    (error: { code: string; message: string; data: Record<string, unknown> }) => {
      assert.equal(error.code, errorCodes.inputTooLong);
      assert.equal(error.data.tokens, 2102);
      assert.equal(error.data.maxTokens, 2048);
      assert.match(error.message, /2102 tokens/);
      return true;
    },
  );
  assert.equal(model.calls.length, 0);
  // EmbeddingGemma 2 accepts 8K.
  const vectors = await new Embedder({ model, profile: embeddingGemma2 }).embedMany([long], {
    prompt: { kind: 'none' },
  });
  assert.equal(vectors.length, 1);
});

test('the tighter of profile and engine limits applies', () => {
  const embedder = new Embedder({ model: new RecordingEmbeddingModel(8, 512), profile: embeddingGemma });
  assert.equal(embedder.maxInputTokens, 512);
});

test('engine output is checked: count, length and finiteness', async () => {
  const model = new RecordingEmbeddingModel(4);
  const embedder = new Embedder({ model, profile: embeddingGemma });
  model.output = () => [];
  await assert.rejects(embedder.embedQuery('x'), { code: errorCodes.engineFailure });
  model.output = (values) => values.map(() => new Float32Array(3).fill(1));
  await assert.rejects(embedder.embedQuery('x'), { code: errorCodes.engineFailure });
  model.output = (values) => values.map(() => Float32Array.of(1, Number.NaN, 0, 0));
  await assert.rejects(embedder.embedQuery('x'), /fp32, bf16, q8 or q4/);
});

test('invalid dimensions are refused when the embedder is built', () => {
  for (const dimensions of [0, 9, 2.5]) {
    assert.throws(() => new Embedder({ model: new RecordingEmbeddingModel(8), profile: embeddingGemma, dimensions }), {
      code: errorCodes.invalidDimensions,
    });
  }
});

test('an aborted signal stops before the engine is called', async () => {
  const model = new RecordingEmbeddingModel();
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    new Embedder({ model, profile: embeddingGemma }).embedMany(['a'], {
      prompt: { kind: 'none' },
      abortSignal: controller.signal,
    }),
    { code: errorCodes.aborted },
  );
  assert.equal(model.calls.length, 0);
});
