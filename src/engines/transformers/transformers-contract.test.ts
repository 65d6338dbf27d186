import { rm } from 'node:fs/promises';
import { after, before } from 'node:test';
import { type TinyOnnxModels, writeTinyOnnxModels } from '../../../test/fixtures/tiny-onnx.js';
import { embeddingModelContract } from '../embedding-model.contract.js';
import { languageModelContract } from '../language-model.contract.js';
import { TransformersEmbeddingModel } from './transformers-embedding-model.js';
import { TransformersLanguageModel } from './transformers-language-model.js';

// The real transformers.js loading path (AutoTokenizer + AutoModel / AutoModelForCausalLM
// from a local folder, offline) and the real onnxruntime, on tiny ONNX models written by the fixtures.
let models: TinyOnnxModels;

before(async () => {
  models = await writeTinyOnnxModels();
});

after(async () => {
  if (models) await rm(models.directory, { recursive: true, force: true });
});

embeddingModelContract('transformers', {
  create: () => TransformersEmbeddingModel.load({ model: models.embedding, dtype: 'fp32', threads: 1 }),
});

embeddingModelContract('transformers (EmbeddingGemma 2 layout)', {
  create: () => TransformersEmbeddingModel.load({ model: models.embedding2, dtype: 'fp32', threads: 1 }),
});

languageModelContract('transformers', {
  create: () => TransformersLanguageModel.load({ model: models.generator, threads: 1 }),
});
