import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AskJson } from '../../src/presentation/ask-json.js';
import { runCli } from '../fixtures/run-cli.js';
import { type TinyModelPaths, writeTinyModels } from '../fixtures/tiny-models.js';

// The whole CLI on the real llama.cpp engine with tiny random-weight models: answers are
// gibberish, but every step users run (load, check, embed, route, generate, stream) is real.
let paths: TinyModelPaths;
before(async () => {
  paths = await writeTinyModels();
});
after(async () => {
  if (paths) await rm(paths.directory, { recursive: true, force: true });
});

const engineFlags = () => ['--engine', 'llama-cpp', '--embedding-model', paths.embedding, '--threads', '1', '--cpu'];

test('ask runs end to end on llama-cpp: embed, two stages, generate', async () => {
  // Random weights give arbitrary similarities; -1 lets every stage pass so generation runs.
  const run = await runCli([
    'ask',
    'hello world',
    ...engineFlags(),
    '--mode',
    'two-stage',
    '--generation-model',
    paths.generator,
    '--threshold',
    '-1',
    '--max-tokens',
    '8',
    '--json',
  ]);
  assert.equal(run.exitCode, 0, run.stderr);
  const output = run.json() as unknown as AskJson;
  assert.equal(output.engine, 'llama-cpp');
  // The model ran: retrieval passed the gate. Its random weights may write digits no document
  // holds, which the grounding check withdraws (answer-grounding.ts): still a generation.
  assert.notEqual(output.refusedBy, 'gate');
  if (output.refusedBy === 'grounding') assert.ok((output.ungrounded ?? []).length > 0);
  assert.equal(typeof output.answer, 'string');
  assert.ok(output.answer.length > 0, 'no text generated');
  assert.equal(output.scores.categories.length, 4);
  assert.ok(output.document?.title);
});

test('embed on llama-cpp: prompts change the vector, dimensions truncate', async () => {
  const plain = (await runCli(['embed', 'hello', ...engineFlags(), '--json'])).json() as {
    embeddings: number[][];
    dimensions: number;
  };
  const query = (await runCli(['embed', 'hello', '--prompt-name', 'query', ...engineFlags(), '--json'])).json() as {
    embeddings: number[][];
    prompt: string;
  };
  assert.equal(plain.dimensions, 64);
  assert.equal(query.prompt, 'task: search result | query: ');
  assert.notDeepEqual(plain.embeddings[0], query.embeddings[0]);
  const short = (await runCli(['embed', 'hello', '--dimensions', '32', ...engineFlags(), '--json'])).json() as {
    embeddings: number[][];
  };
  assert.equal(short.embeddings[0]?.length, 32);
  const tooMany = await runCli(['embed', 'hello', '--dimensions', '128', ...engineFlags()]);
  assert.equal(tooMany.exitCode, 2);
  assert.match(tooMany.stderr, /from 1 to 64/);
});

test('the CLI refuses an embedding GGUF without Dense layers, naming them (exit 4)', async () => {
  const run = await runCli([
    'embed',
    'hello',
    '--engine',
    'llama-cpp',
    '--embedding-model',
    paths.embeddingWithoutDense,
    '--threads',
    '1',
    '--cpu',
  ]);
  assert.equal(run.exitCode, 4);
  assert.match(run.stderr, /lacks EmbeddingGemma's Dense layers \(dense_2\.weight, dense_3\.weight\)/);
});

test('the executable: exit codes and messages from a real process', () => {
  const entry = fileURLToPath(new URL('../../src/cli/entry.ts', import.meta.url));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
      encoding: 'utf8',
      env: { ...process.env, GEMMA_RAG_HOME: paths.directory },
    });
  const ok = run('ask', '如何重置密码？', '--engine', 'lexical', '--no-generate');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /password\.example\.com/);
  const usage = run('ask');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /Missing the question: gemma-rag ask "如何重置密码？", or ask --chat/);
  const missing = run('ask', '如何重置密码？');
  assert.equal(missing.status, 3);
  assert.match(missing.stderr, /gemma-rag pull/);
});
