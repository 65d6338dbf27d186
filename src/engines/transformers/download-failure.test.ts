import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCodes } from '../../spec/errors.js';
import { loadingError, type ModelSource } from './model-source.js';

// The transformers engine downloads ONNX repositories itself; a failed download reads like the
// GGUF path's: a sentence for people, the raw reason only in `data`.
const source: ModelSource = {
  pathOrRepository: 'onnx-community/embeddinggemma-300m-ONNX',
  folder: '/cache/onnx-community/embeddinggemma-300m-ONNX',
  cacheDir: '/cache',
  localFilesOnly: false,
  onnxFile: 'onnx/model_quantized.onnx',
  repository: 'onnx-community/embeddinggemma-300m-ONNX',
};
const options = { model: 'onnx-community/embeddinggemma-300m-ONNX', dtype: 'q8', role: 'embedding' } as const;

test('an offline download failure says so in words, with what to do, and keeps the raw reason in data', () => {
  const offline = new TypeError('fetch failed', {
    cause: Object.assign(new Error('getaddrinfo EAI_AGAIN huggingface.co'), { code: 'EAI_AGAIN' }),
  });
  const error = loadingError(offline, source, options);
  assert.equal(error.code, errorCodes.downloadFailed);
  assert.match(
    error.message,
    /^Could not download the embedding model onnx-community\/embeddinggemma-300m-ONNX\. Hugging Face could not be reached/,
  );
  assert.match(error.message, /--pull once online.*--embedding-model PATH/s);
  assert.doesNotMatch(error.message, /fetch failed|TypeError|EAI_AGAIN/);
  assert.equal(error.data.failure, 'offline');
  assert.match(String(error.data.reason), /fetch failed: getaddrinfo EAI_AGAIN/);
});

test('a refused download points at the licence and HF_TOKEN', () => {
  const error = loadingError(new Error('Unauthorized access to file (401)'), source, options);
  assert.equal(error.data.failure, 'gated');
  assert.match(error.message, /gated .*HF_TOKEN/);
});
