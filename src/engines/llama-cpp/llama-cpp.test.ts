import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  TINY_HIDDEN_SIZE,
  type TinyModelPaths,
  writeTinyEmbeddingGemma,
  writeTinyModels,
} from '../../../test/fixtures/tiny-models.js';
import { Embedder } from '../../embedding/embedder.js';
import { embeddingGemma } from '../../embedding/model-profiles.js';
import { documentPrompt, resolvePromptPrefix } from '../../embedding/prompts.js';
import { cosineSimilarity, dot } from '../../embedding/vector-math.js';
import { ingestDocuments } from '../../ingest/ingest-documents.js';
import { errorCodes } from '../../spec/errors.js';
import type { ChatMessage } from '../../spec/language-model.js';
import { SqliteKnowledgeBase } from '../../stores/sqlite/sqlite-knowledge-base.js';
import { textOfTokens } from '../embedding-model.contract.js';
import { chatWrapperFor } from './chat-wrapper.js';
import { LlamaCppEmbeddingModel } from './llama-cpp-embedding-model.js';
import { LlamaCppLanguageModel } from './llama-cpp-language-model.js';

// Real node-llama-cpp on tiny random-weight GGUFs written by the fixtures: the loading,
// checking and inference code users run, minus the real weights. One thread, CPU only.
const engine = { threads: 1, gpu: false } as const;
let paths: TinyModelPaths;
let model: LlamaCppEmbeddingModel;
let embedder: Embedder;

before(async () => {
  paths = await writeTinyModels();
  model = await LlamaCppEmbeddingModel.load({ modelPath: paths.embedding, ...engine });
  embedder = new Embedder({ model, profile: embeddingGemma });
});

after(async () => {
  await model?.dispose();
  if (paths) await rm(paths.directory, { recursive: true, force: true });
});

test('an EmbeddingGemma GGUF is recognized and gives finite unit vectors', async () => {
  assert.equal(model.detectedProfile, embeddingGemma);
  assert.equal(model.dimensions, TINY_HIDDEN_SIZE);
  const [first, second] = await embedder.embedMany(['hello world', '日本語 text'], {
    prompt: { kind: 'named', name: 'query' },
  });
  for (const vector of [first, second]) {
    assert.ok(vector);
    assert.equal(vector.length, TINY_HIDDEN_SIZE);
    assert.ok(vector.every(Number.isFinite));
    assert.ok(Math.abs(Math.sqrt(dot(vector, vector)) - 1) < 1e-5);
  }
});

test('several embedding contexts side by side give the same vectors, in input order, as one', async () => {
  const texts = Array.from({ length: 11 }, (_, index) => `${index}: ${'长短不一的文本 text '.repeat(index + 1)}`);
  const one = await LlamaCppEmbeddingModel.load({ modelPath: paths.embedding, ...engine, contexts: 1 });
  const three = await LlamaCppEmbeddingModel.load({ modelPath: paths.embedding, threads: 2, gpu: false, contexts: 3 });
  try {
    const alone = await one.embed({ values: texts });
    const together = await three.embed({ values: texts });
    assert.equal(together.embeddings.length, texts.length);
    for (const [index, vector] of together.embeddings.entries()) {
      assert.deepEqual(Array.from(vector), Array.from(alone.embeddings[index] as Float32Array), `text ${index}`);
    }
  } finally {
    await Promise.all([one.dispose(), three.dispose()]);
  }
});

test('the prompt reaches the model: different prompt, different vector; same input, identical vector', async () => {
  const query = await embedder.embedQuery('hello world', { promptName: 'query' });
  const again = await embedder.embedQuery('hello world', { promptName: 'query' });
  const classification = await embedder.embedQuery('hello world', { promptName: 'Classification' });
  assert.deepEqual(Array.from(query), Array.from(again));
  assert.ok(cosineSimilarity(query, classification) < 0.99999, 'prompt changed nothing');
});

test('Matryoshka truncation works on engine output', async () => {
  const short = await new Embedder({ model, profile: embeddingGemma, dimensions: 16 }).embedQuery('hello');
  assert.equal(short.length, 16);
  assert.ok(Math.abs(Math.sqrt(dot(short, short)) - 1) < 1e-5);
});

test('token counts include BOS and EOS; over 2048 tokens is an error naming the count', async () => {
  const [count] = await model.countTokens({ values: ['hello'] });
  assert.equal(count, 3);
  const long = Array.from({ length: 2100 }, () => 'hello').join(' ');
  await assert.rejects(
    embedder.embedMany([long], { prompt: { kind: 'none' } }),
    (error: { code: string; message: string }) => {
      assert.equal(error.code, errorCodes.inputTooLong);
      assert.match(error.message, /\d{4} tokens long/);
      assert.match(error.message, /at most 2048/);
      return true;
    },
  );
});

test('the limit is one number: a document at exactly the limit, prompt included, embeds; ingest keeps every chunk within it', async () => {
  assert.equal(embedder.maxInputTokens, model.maxInputTokens);
  assert.equal(model.maxInputTokens, embeddingGemma.maxInputTokens);
  const prompt = documentPrompt('Limit');
  const prefix = resolvePromptPrefix(embeddingGemma, prompt);
  const words = await textOfTokens(model, model.maxInputTokens);
  // Drop as many words as the prompt takes: prompt + content is then exactly the limit.
  const [withPrompt = 0] = await model.countTokens({ values: [prefix + words] });
  const content = words
    .split(' ')
    .slice(withPrompt - model.maxInputTokens)
    .join(' ');
  assert.equal((await model.countTokens({ values: [prefix + content] }))[0], model.maxInputTokens);
  assert.equal((await embedder.embedMany([{ text: content, prompt }], { prompt })).length, 1);
  const store = await SqliteKnowledgeBase.open(':memory:');
  try {
    await ingestDocuments({
      knowledgeBase: store,
      embedder,
      documents: [{ source: 'limit.txt', title: 'Limit', content: `${content} ${content}`, category: 'limits' }],
      chunking: { targetTokens: 4096 },
    });
    const [stored] = await store.listDocuments();
    const chunks = (await store.documentById(stored?.id ?? -1))?.chunks ?? [];
    assert.ok(chunks.length >= 2);
    for (const chunk of chunks) assert.ok(chunk.tokens <= model.maxInputTokens, `a chunk of ${chunk.tokens} tokens`);
  } finally {
    await store.close();
  }
});

test('an EmbeddingGemma GGUF without its Dense layers is refused, naming them', async () => {
  await assert.rejects(
    LlamaCppEmbeddingModel.load({ modelPath: paths.embeddingWithoutDense, ...engine }),
    (error: { code: string; message: string }) => {
      assert.equal(error.code, errorCodes.modelIncompatible);
      assert.match(error.message, /dense_2\.weight, dense_3\.weight/);
      assert.match(error.message, /--allow-missing-dense/);
      return true;
    },
  );
});

test('--allow-missing-dense loads it anyway, with a loud warning', async () => {
  const warnings: string[] = [];
  const loaded = await LlamaCppEmbeddingModel.load({
    modelPath: paths.embeddingWithoutDense,
    ...engine,
    allowMissingDense: true,
    onWarning: (message) => warnings.push(message),
  });
  try {
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^WARNING: .*Dense layers/);
    const vector = await new Embedder({ model: loaded, profile: embeddingGemma }).embedQuery('hello world');
    const withDense = await embedder.embedQuery('hello world');
    assert.ok(cosineSimilarity(vector, withDense) < 0.999, 'the Dense layers made no difference');
  } finally {
    await loaded.dispose();
  }
});

test('missing or non-mean pooling is refused', async () => {
  for (const pooling of [null, 3]) {
    const path = await writeTinyEmbeddingGemma(paths.directory, { pooling });
    await assert.rejects(
      LlamaCppEmbeddingModel.load({ modelPath: path, ...engine }),
      (error: { code: string; message: string }) => {
        assert.equal(error.code, errorCodes.modelIncompatible);
        assert.match(error.message, /mean pooling/);
        return true;
      },
    );
  }
});

test('a generation-only GGUF is refused as an embedder', async () => {
  await assert.rejects(
    LlamaCppEmbeddingModel.load({ modelPath: paths.generator, ...engine }),
    (error: { code: string; message: string }) => {
      assert.equal(error.code, errorCodes.modelIncompatible);
      assert.match(error.message, /"gemma3" model, not an embedding model/);
      return true;
    },
  );
});

test('an EmbeddingGemma 2 GGUF is refused, naming the engines that can run it', async () => {
  await assert.rejects(
    LlamaCppEmbeddingModel.load({ modelPath: paths.embeddingGemma2, ...engine }),
    (error: { code: string; message: string }) => {
      assert.equal(error.code, errorCodes.modelIncompatible);
      assert.match(error.message, /gemma-embedding2/);
      assert.match(error.message, /openai-compatible/);
      assert.match(error.message, /transformers/);
      return true;
    },
  );
});

test('a missing file is MODEL_NOT_FOUND; a non-GGUF file is refused clearly', async () => {
  await assert.rejects(LlamaCppEmbeddingModel.load({ modelPath: join(paths.directory, 'nope.gguf'), ...engine }), {
    code: errorCodes.modelNotFound,
  });
  await assert.rejects(
    LlamaCppEmbeddingModel.load({ modelPath: import.meta.filename, ...engine }),
    (error: { code: string; message: string }) => {
      assert.equal(error.code, errorCodes.modelIncompatible);
      assert.match(error.message, /not a usable GGUF model file: it does not start with the GGUF magic/);
      return true;
    },
  );
});

test('Gemma 3: generation streams text chunks; greedy decoding is deterministic', async () => {
  const generator = await LlamaCppLanguageModel.load({ modelPath: paths.generator, ...engine, contextSize: 512 });
  try {
    const chunks: string[] = [];
    for await (const chunk of generator.generate({
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'hello world' },
      ],
      maxTokens: 6,
    })) {
      chunks.push(chunk);
    }
    assert.ok(chunks.length >= 2, `expected a stream of chunks, got ${chunks.length}`);
    assert.ok(chunks.join('').length > 0);
    // Greedy decoding is deterministic.
    const again: string[] = [];
    for await (const chunk of generator.generate({
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'hello world' },
      ],
      maxTokens: 6,
    })) {
      again.push(chunk);
    }
    assert.equal(again.join(''), chunks.join(''));
  } finally {
    await generator.dispose();
  }
});

test('each prompt stands alone: after another prompt, the context holds exactly what it would hold on a fresh model', async () => {
  const load = () => LlamaCppLanguageModel.load({ modelPath: paths.generator, ...engine, contextSize: 512 });
  const rules = { role: 'system', content: 'Answer only from the document.' } as const;
  const first = [rules, { role: 'user', content: 'Document: zebra quokka. Question: which animal?' }] as const;
  const second = [rules, { role: 'user', content: 'Document: lighthouse keeper. Question: who?' }] as const;
  const answer = async (model: LlamaCppLanguageModel, messages: readonly ChatMessage[]) => {
    let text = '';
    for await (const chunk of model.generate({ messages, maxTokens: 6 })) text += chunk;
    return text;
  };
  const reused = await load();
  const fresh = await load();
  try {
    await answer(reused, first);
    const afterAnother = await answer(reused, second);
    const alone = await answer(fresh, second);
    assert.equal(afterAnother, alone);
    assert.deepEqual(reused.lastContext().tokens, fresh.lastContext().tokens);
    assert.doesNotMatch(reused.lastContext().text, /zebra|quokka/);
  } finally {
    await reused.dispose();
    await fresh.dispose();
  }
});

test('generation honours abort: the stream ends with ABORTED', async () => {
  const generator = await LlamaCppLanguageModel.load({ modelPath: paths.generator, ...engine, contextSize: 512 });
  try {
    const controller = new AbortController();
    let received = 0;
    await assert.rejects(
      (async () => {
        for await (const _chunk of generator.generate({
          messages: [{ role: 'user', content: 'hello' }],
          maxTokens: 200,
          abortSignal: controller.signal,
        })) {
          received++;
          if (received === 2) controller.abort();
        }
      })(),
      { code: errorCodes.aborted },
    );
    assert.ok(received < 200);
  } finally {
    await generator.dispose();
  }
});

test('a prompt that does not fit the context is INPUT_TOO_LONG, never silently cut', async () => {
  const generator = await LlamaCppLanguageModel.load({ modelPath: paths.generator, ...engine, contextSize: 512 });
  try {
    const drain = async (content: string, maxTokens: number) => {
      for await (const _chunk of generator.generate({ messages: [{ role: 'user', content }], maxTokens })) {
        // drain
      }
    };
    await assert.rejects(drain('lamp '.repeat(600), 8), (error: { code: string; data: Record<string, unknown> }) => {
      assert.equal(error.code, errorCodes.inputTooLong);
      assert.equal(error.data.maxTokens, 512);
      return true;
    });
    // The answer's budget counts too.
    await assert.rejects(drain('hello', 600), { code: errorCodes.inputTooLong });
    await drain('hello', 8);
  } finally {
    await generator.dispose();
  }
});

test('an embedding GGUF is refused as a generator', async () => {
  await assert.rejects(
    LlamaCppLanguageModel.load({ modelPath: paths.embedding, ...engine }),
    (error: { code: string; message: string }) => {
      assert.equal(error.code, errorCodes.modelIncompatible);
      assert.match(error.message, /cannot generate/);
      return true;
    },
  );
});

test('Gemma 4 gets its own chat format with a system turn and reasoning off; others are auto-detected', async () => {
  const wrapper = await chatWrapperFor('gemma4');
  assert.notEqual(wrapper, 'auto');
  if (wrapper === 'auto') return;
  const { contextText } = wrapper.generateContextState({
    chatHistory: [
      { type: 'system', text: 'RULES' },
      { type: 'user', text: 'Q?' },
      { type: 'model', response: [] },
    ],
  });
  const rendered = contextText.toString();
  assert.match(rendered, /<\|turn>system\nRULES<turn\|>/);
  assert.match(rendered, /<\|turn>user\nQ\?<turn\|>\n<\|turn>model\n$/);
  assert.doesNotMatch(rendered, /<\|think\|>/);
  assert.equal(await chatWrapperFor('gemma3'), 'auto');
});
