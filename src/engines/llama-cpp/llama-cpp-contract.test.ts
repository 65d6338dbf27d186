import { rm } from 'node:fs/promises';
import { after, before } from 'node:test';
import { type TinyModelPaths, writeTinyModels } from '../../../test/fixtures/tiny-models.js';
import { embeddingModelContract } from '../embedding-model.contract.js';
import { languageModelContract } from '../language-model.contract.js';
import { LlamaCppEmbeddingModel } from './llama-cpp-embedding-model.js';
import { LlamaCppLanguageModel } from './llama-cpp-language-model.js';

// The real llama.cpp on tiny random-weight GGUFs: one thread, CPU only.
const engine = { threads: 1, gpu: false } as const;
let paths: TinyModelPaths;

before(async () => {
  paths = await writeTinyModels();
});

after(async () => {
  if (paths) await rm(paths.directory, { recursive: true, force: true });
});

embeddingModelContract('llama-cpp', {
  create: () => LlamaCppEmbeddingModel.load({ modelPath: paths.embedding, ...engine }),
});

languageModelContract('llama-cpp', {
  create: () => LlamaCppLanguageModel.load({ modelPath: paths.generator, ...engine }),
});
