import assert from 'node:assert/strict';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hostileModelFolders } from '../../../test/fixtures/hostile-onnx.js';
import { type TinyOnnxModels, writeTinyOnnxModels } from '../../../test/fixtures/tiny-onnx.js';
import { GemmaRagError } from '../../spec/errors.js';
import { TransformersEmbeddingModel } from './transformers-embedding-model.js';
import { TransformersLanguageModel } from './transformers-language-model.js';

let models: TinyOnnxModels;

before(async () => {
  models = await writeTinyOnnxModels();
});
after(() => rm(models.directory, { recursive: true, force: true }));

const loaders = {
  embedding: (folder: string) => TransformersEmbeddingModel.load({ model: folder, dtype: 'fp32', threads: 1 }),
  generator: (folder: string) => TransformersLanguageModel.load({ model: folder, dtype: 'fp32', threads: 1 }),
};

for (const role of ['embedding', 'generator'] as const) {
  test(`${role}: every broken model file is refused before or while loading, naming the file and the fault`, async () => {
    const timings: string[] = [];
    for (const [index, broken] of hostileModelFolders.entries()) {
      const folder = join(models.directory, `${role}-broken-${index}`);
      await cp(models[role], folder, { recursive: true });
      await broken.corrupt(folder);
      const started = performance.now();
      await assert.rejects(
        loaders[role](folder),
        (error: unknown) => {
          assert.ok(GemmaRagError.isInstance(error), `${broken.name}: not a GemmaRagError: ${String(error)}`);
          assert.equal(error.code, broken.code, `${broken.name}: ${error.message}`);
          assert.ok(
            error.message.includes(join(folder, broken.file)),
            `${broken.name} names the file: ${error.message}`,
          );
          assert.match(error.message, broken.reason, broken.name);
          return true;
        },
        broken.name,
      );
      timings.push(`${broken.name} ${(performance.now() - started).toFixed(0)} ms`);
    }
    console.log(`${role}: ${timings.join(', ')}`);
  });
}
