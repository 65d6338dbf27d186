import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { exitCodes } from '../../src/cli/exit-codes.js';
import { writeTinyEmbeddingGemma } from '../fixtures/tiny-models.js';

// A model file that passes every header check but makes llama.cpp abort while loading it
// (a tiny gemma-embedding GGUF without its sliding-window pattern). The CLI runs as its own
// process here, so an abort that escapes shows as exit 134 instead of ending the test runner.
let folder: string;
let model: string;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemma-rag-abort-'));
  model = await writeTinyEmbeddingGemma(folder, { abortsLlamaCpp: true });
});

after(async () => {
  await rm(folder, { recursive: true, force: true });
});

function runCliProcess(argv: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', ...argv], {
      env: { ...process.env, GEMMA_RAG_HOME: folder },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('embed with a model that aborts llama.cpp ends with ENGINE_FAILURE and names the model file, not a raw abort', async () => {
  const run = await runCliProcess(['embed', 'hello', '--embedding-model', model, '--threads', '1']);
  assert.equal(run.code, exitCodes.failure, `exit ${run.code}\n${run.stderr}`);
  assert.ok(run.stderr.includes(model), run.stderr);
  assert.match(run.stderr, /engine process/i);
  assert.doesNotMatch(run.stderr, /unexpected error/i);
});
