import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readGgufFileInfo } from 'node-llama-cpp';
import { arr, str, u32, writeGguf } from '../../../test/fixtures/gguf-writer.js';
import { hostileGgufFiles, truncatedGgufFiles, writeHostileGgufFiles } from '../../../test/fixtures/hostile-gguf.js';
import { writeTinyEmbeddingGemma, writeTinyGemma3 } from '../../../test/fixtures/tiny-models.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { ggmlTypeCount, ggmlTypes } from './ggml-types.js';
import { readGgufHeader } from './gguf-header.js';
import { inspectGguf } from './gguf-inspection.js';
import { LlamaCppEmbeddingModel } from './llama-cpp-embedding-model.js';
import { getLlamaRuntime } from './llama-runtime.js';

let directory: string;
let embeddingModel: string;

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gemma-rag-gguf-'));
  embeddingModel = await writeTinyEmbeddingGemma(directory);
});
after(() => rm(directory, { recursive: true, force: true }));

function refusedAs(path: string, reason: RegExp) {
  return (error: unknown) => {
    assert.ok(GemmaRagError.isInstance(error), `expected a GemmaRagError, got ${String(error)}`);
    assert.equal(error.code, errorCodes.modelIncompatible);
    assert.ok(error.message.includes(path), `the message names the file: ${error.message}`);
    assert.match(error.message, reason);
    return true;
  };
}

test('every malformed, truncated or hostile GGUF is refused at once as MODEL_INCOMPATIBLE, naming the file and the fault', async () => {
  const files = await writeHostileGgufFiles(directory, [
    ...hostileGgufFiles,
    ...(await truncatedGgufFiles(embeddingModel)),
  ]);
  const timings: string[] = [];
  for (const file of files) {
    const started = performance.now();
    await assert.rejects(inspectGguf(file.path), refusedAs(file.path, file.reason), file.name);
    timings.push(`${file.name} ${(performance.now() - started).toFixed(1)} ms`);
  }
  console.log(`refused ${files.length} hostile GGUFs: ${timings.join(', ')}`);
});

test('the engine refuses a hostile file before llama.cpp sees it (it used to spin at 100% CPU)', async () => {
  const [file] = await writeHostileGgufFiles(
    directory,
    hostileGgufFiles.filter(({ name }) => name === 'huge-tensor-count'),
  );
  assert.ok(file);
  const started = performance.now();
  await assert.rejects(
    LlamaCppEmbeddingModel.load({ modelPath: file.path, threads: 1, gpu: false }),
    refusedAs(file.path, /tensor count/),
  );
  console.log(`llama-cpp engine refused ${file.name} in ${(performance.now() - started).toFixed(1)} ms`);
});

test('a directory passed as a model file is refused with what it is', async () => {
  await assert.rejects(inspectGguf(directory), refusedAs(directory, /is a directory/));
});

test('a valid model reads the same as node-llama-cpp reads it: architecture, pooling, every tensor', async () => {
  const generator = await writeTinyGemma3(directory);
  for (const path of [embeddingModel, generator]) {
    const ours = readGgufHeader(path);
    const theirs = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
    assert.deepEqual(
      ours.tensors.map(({ name, shape, type }) => ({ name, shape, type })),
      (theirs.fullTensorInfo ?? []).map(({ name, dimensions, ggmlType }) => ({
        name,
        shape: dimensions.map(Number),
        type: ggmlType,
      })),
    );
    assert.equal(ours.metadata.get('general.architecture'), theirs.metadata.general.architecture);
  }
  const summary = await inspectGguf(embeddingModel);
  assert.equal(summary.architecture, 'gemma-embedding');
  assert.equal(summary.poolingType, 1);
  assert.ok(summary.tensorNames.has('dense_2.weight'));
});

test('long strings (a large chat template) are skipped, not decoded, and the file still reads', async () => {
  const path = join(directory, 'long-template.gguf');
  await writeGguf(path, {
    metadata: [
      ['general.architecture', str('gemma3')],
      ['tokenizer.chat_template', str('x'.repeat(200_000))],
      ['tokenizer.ggml.tokens', arr('string', ['a', 'b'])],
      ['gemma3.context_length', u32(8)],
    ],
    tensors: [{ name: 'w', shape: [8], type: 'f32', data: new Float32Array(8) }],
  });
  const header = readGgufHeader(path);
  assert.deepEqual(header.metadata.get('tokenizer.chat_template'), { longString: 200_000 });
  assert.deepEqual(header.metadata.get('tokenizer.ggml.tokens'), { array: 'string', length: 2 });
  assert.equal(header.metadata.get('gemma3.context_length'), 8);
});

test('the ggml type table matches the llama.cpp binary node-llama-cpp ships', async () => {
  const llama = await getLlamaRuntime({ gpu: false });
  // The per-type sizes are only reachable through the binding node-llama-cpp itself uses.
  const bindings = (
    llama as unknown as {
      _bindings: {
        getTypeSizeForGgmlType(type: number): number | undefined;
        getBlockSizeForGgmlType(type: number): number | undefined;
      };
    }
  )._bindings;
  for (let type = 0; type < ggmlTypeCount + 2; type++) {
    const native = {
      blockSize: bindings.getBlockSizeForGgmlType(type),
      typeSize: bindings.getTypeSizeForGgmlType(type),
    };
    const ours = ggmlTypes.get(type);
    if (ours) assert.deepEqual(native, { blockSize: ours.blockSize, typeSize: ours.typeSize }, `type ${type}`);
    else assert.ok(!native.blockSize, `type ${type} is usable natively but missing from ggml-types.ts`);
  }
});

test('a well-formed GGUF that lacks what its architecture needs is MODEL_INCOMPATIBLE with llama.cpp’s own reason', async () => {
  const path = join(directory, 'hollow.gguf');
  await writeGguf(path, {
    metadata: [
      ['general.architecture', str('gemma-embedding')],
      ['gemma-embedding.pooling_type', u32(1)],
    ],
    tensors: [],
  });
  await assert.rejects(
    LlamaCppEmbeddingModel.load({ modelPath: path, threads: 1, gpu: false, allowMissingDense: true }),
    refusedAs(path, /key not found in model: gemma-embedding\.context_length/),
  );
});
