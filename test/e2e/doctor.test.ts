import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { FakeModelServer } from '../fixtures/fake-model-server.js';
import { runCli } from '../fixtures/run-cli.js';
import { type TinyModelPaths, writeTinyModels } from '../fixtures/tiny-models.js';

interface DoctorJson {
  ok: boolean;
  checks: Array<{ name: string; status: string; detail: string }>;
  comparison?: { minCosine: number; passed: boolean };
}

let server: FakeModelServer;
let paths: TinyModelPaths;
before(async () => {
  server = await FakeModelServer.start();
  paths = await writeTinyModels();
});
after(async () => {
  await server?.close();
  if (paths) await rm(paths.directory, { recursive: true, force: true });
});

test('doctor: two engines serving the same model agree (exit 0)', async () => {
  const run = await runCli([
    'doctor',
    '--engine',
    'ollama',
    '--base-url',
    server.baseUrl,
    '--compare-engine',
    'openai-compatible',
    '--compare-base-url',
    server.baseUrl,
    '--compare-embedding-model',
    'embeddinggemma',
    '--json',
  ]);
  const output = run.json() as unknown as DoctorJson;
  assert.equal(run.exitCode, 0, run.stderr);
  assert.equal(output.ok, true);
  assert.ok((output.comparison?.minCosine ?? 0) > 0.999);
  assert.equal(output.checks.find((check) => check.name === 'prompt reaches the model')?.status, 'pass');
});

test('doctor: two engines that disagree fail (exit 1), and say so', async () => {
  const run = await runCli([
    'doctor',
    '--engine',
    'llama-cpp',
    '--embedding-model',
    paths.embedding,
    '--threads',
    '1',
    '--cpu',
    '--dimensions',
    '32',
    '--compare-engine',
    'llama-cpp',
    '--compare-embedding-model',
    paths.embeddingWithoutDense,
    '--allow-missing-dense',
    '--json',
  ]);
  assert.equal(run.exitCode, 1);
  const output = run.json() as unknown as DoctorJson;
  assert.equal(output.ok, false);
  assert.equal(output.comparison?.passed, false);
  assert.ok((output.comparison?.minCosine ?? 1) < 0.999);
});

test('doctor: a model that cannot load is a failed check, not a crash', async () => {
  const run = await runCli(['doctor', '--engine', 'llama-cpp', '--embedding-model', paths.generator, '--json']);
  assert.equal(run.exitCode, 1);
  const output = run.json() as unknown as DoctorJson;
  assert.equal(output.checks[0]?.status, 'fail');
  assert.match(output.checks[0]?.detail ?? '', /not an embedding model/);
});

test('doctor: vectors far from fp32 EmbeddingGemma on the shipped reference set are a warning, not a failure', async () => {
  // The tiny GGUF is an EmbeddingGemma by architecture with random weights: as far from fp32 as it gets.
  const run = await runCli([
    'doctor',
    '--engine',
    'llama-cpp',
    '--embedding-model',
    paths.embedding,
    '--threads',
    '1',
    '--cpu',
    '--json',
  ]);
  const output = run.json() as unknown as DoctorJson;
  const distance = output.checks.find((check) => check.name === 'distance from fp32');
  assert.equal(distance?.status, 'warn', distance?.detail);
  assert.match(distance?.detail ?? '', /min cosine -?0\.\d+ to sentence-transformers fp32 over \d+ texts.*below 0\.98/);
  assert.equal(run.exitCode, 0, 'a warning alone does not fail the run');
});
