import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publicModelName, publicSource } from './public-names.js';

test('publicSource shows a file from its category folder, a JSON record by its file name, and names as they are', () => {
  assert.equal(publicSource('/home/ana/kb/HR/policies/leave.md', 'HR'), 'HR/policies/leave.md');
  assert.equal(publicSource('/home/ana/kb/leave.md', 'kb'), 'kb/leave.md');
  assert.equal(
    publicSource('/srv/data/examples/knowledge-base.json#IT/Reset#1', 'IT'),
    'knowledge-base.json#IT/Reset#1',
  );
  assert.equal(publicSource('/home/ana/notes.md', 'Elsewhere'), 'notes.md');
  assert.equal(publicSource('upload:HR/leave.md', 'HR'), 'upload:HR/leave.md');
  assert.equal(publicSource('api:IT/VPN', 'IT'), 'api:IT/VPN');
});

test('publicModelName drops the folders of a model file, and keeps a model name', () => {
  assert.equal(
    publicModelName('/root/.cache/gemma-rag/models/embeddinggemma-300M-Q8_0.gguf'),
    'embeddinggemma-300M-Q8_0.gguf',
  );
  assert.equal(publicModelName('onnx-community/embeddinggemma-300m-ONNX'), 'onnx-community/embeddinggemma-300m-ONNX');
  assert.equal(publicModelName('lexical'), 'lexical');
});
