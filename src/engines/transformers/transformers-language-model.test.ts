import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import {
  TINY_ONNX_GENERATED_CYCLE,
  type TinyOnnxModels,
  writeTinyOnnxModels,
} from '../../../test/fixtures/tiny-onnx.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import type { ChatMessage } from '../../spec/language-model.js';
import { TransformersLanguageModel } from './transformers-language-model.js';

// transformers.js's real generate() (chat template, KV cache, greedy search, TextStreamer,
// stopping criteria) on a tiny bigram "Gemma 3" that writes "ab cdab cd…" one character per token.
let models: TinyOnnxModels;
let model: TransformersLanguageModel;

before(async () => {
  models = await writeTinyOnnxModels();
  model = await TransformersLanguageModel.load({ model: models.generator, threads: 1 });
});

after(async () => {
  await model?.dispose();
  if (models) await rm(models.directory, { recursive: true, force: true });
});

const messages: ChatMessage[] = [
  { role: 'system', content: 'Answer from the context.' },
  { role: 'user', content: 'When?' },
];

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

test('greedy generation streams word by word and honours maxTokens exactly', async () => {
  const chunks = await collect(model.generate({ messages, maxTokens: 12, temperature: 0 }));
  assert.ok(chunks.length >= 3, `chunks: ${JSON.stringify(chunks)}`);
  const expected = TINY_ONNX_GENERATED_CYCLE.repeat(3).slice(0, 12);
  assert.equal(chunks.join(''), expected);
  // Same input, temperature 0: the same answer.
  assert.equal((await collect(model.generate({ messages, maxTokens: 12 }))).join(''), expected);
});

test('temperature > 0 samples and still streams text', async () => {
  const text = (await collect(model.generate({ messages, maxTokens: 6, temperature: 0.7 }))).join('');
  assert.ok(text.length > 0);
});

test('aborting mid-answer stops generation with ABORTED; the model is usable afterwards', async () => {
  const controller = new AbortController();
  const chunks: string[] = [];
  await assert.rejects(
    async () => {
      for await (const chunk of model.generate({ messages, maxTokens: 200, abortSignal: controller.signal })) {
        chunks.push(chunk);
        if (chunks.length === 2) controller.abort();
      }
    },
    (error: unknown) => GemmaRagError.isInstance(error) && error.code === errorCodes.aborted,
  );
  assert.equal(chunks.length, 2);
  assert.equal((await collect(model.generate({ messages, maxTokens: 5 }))).join(''), 'ab cd');
});

test('breaking out of the stream early frees the model for the next question', async () => {
  for await (const _chunk of model.generate({ messages, maxTokens: 10_000 })) break;
  const started = performance.now();
  assert.equal((await collect(model.generate({ messages, maxTokens: 5 }))).join(''), 'ab cd');
  assert.ok(performance.now() - started < 5000, 'the abandoned generation ran to its 10,000 tokens');
});

test('a missing generation model is MODEL_NOT_FOUND with instructions', async () => {
  await assert.rejects(
    TransformersLanguageModel.load({
      model: 'onnx-community/gemma-3-1b-it-ONNX',
      environment: { GEMMA_RAG_HOME: models.directory },
    }),
    (error: unknown) =>
      GemmaRagError.isInstance(error) &&
      error.code === errorCodes.modelNotFound &&
      /model_q4\.onnx.*--pull.*--generation-model PATH/s.test(error.message),
  );
});

test('fp16 is refused for generation too', async () => {
  await assert.rejects(
    TransformersLanguageModel.load({ model: models.generator, dtype: 'q4f16' }),
    (error: unknown) => GemmaRagError.isInstance(error) && error.code === errorCodes.invalidArgument,
  );
});
