import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { CliIo } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';
import { type TinyModelPaths, writeTinyModels } from '../fixtures/tiny-models.js';

// The first ask on the bundled example loads a model and embeds 24 documents: on a terminal a
// person sees both happen; in --json or through a pipe nothing but the result is written.
let paths: TinyModelPaths;
let home: string;
before(async () => {
  paths = await writeTinyModels();
  home = await mkdtemp(join(tmpdir(), 'gemma-rag-progress-'));
});
after(async () => {
  if (paths) await rm(paths.directory, { recursive: true, force: true });
  if (home) await rm(home, { recursive: true, force: true });
});

async function run(argv: string[], options: { terminal: boolean; home: string }) {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: options.terminal, columns: 120 });
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from([]),
    environment: { ...process.env, GEMMA_RAG_HOME: options.home },
  };
  const exitCode = await main(argv, io);
  return {
    exitCode,
    stdout: Buffer.concat(chunks.stdout).toString('utf8'),
    stderr: Buffer.concat(chunks.stderr).toString('utf8'),
  };
}

const ask = () => [
  'ask',
  'hello world',
  '--engine',
  'llama-cpp',
  '--embedding-model',
  paths.embedding,
  '--threads',
  '1',
  '--cpu',
  '--no-generate',
  '--threshold',
  '-1',
];

test('on a terminal: model loading and the one-time embedding of the example show progress', async () => {
  const first = await run(ask(), { terminal: true, home: join(home, 'terminal') });
  assert.equal(first.exitCode, 0, first.stderr);
  assert.match(first.stderr, /Loading embedding model tiny-embeddinggemma[^\n]*\.gguf \[/);
  assert.match(first.stderr, /Embedding the bundled example once for this model \(24 documents\)/);
  assert.match(first.stderr, /Embedding knowledge base \[/);
  assert.doesNotMatch(first.stdout, /Loading|Embedding/, 'progress never goes to stdout');

  const second = await run(ask(), { terminal: true, home: join(home, 'terminal') });
  assert.equal(second.exitCode, 0, second.stderr);
  assert.match(second.stderr, /Loading embedding model/);
  assert.doesNotMatch(second.stderr, /Embedding/, 'the second ask reuses the embedded example');
});

test('through a pipe or with --json: no progress at all', async () => {
  const piped = await run(ask(), { terminal: false, home: join(home, 'piped') });
  assert.equal(piped.exitCode, 0, piped.stderr);
  assert.doesNotMatch(piped.stderr, /Loading embedding model|\[[░█]/);

  const json = await run([...ask(), '--json'], { terminal: true, home: join(home, 'json') });
  assert.equal(json.exitCode, 0, json.stderr);
  assert.equal(json.stderr, '', 'nothing on stderr in --json, even on a terminal');
  assert.equal(JSON.parse(json.stdout).refused, false);
});
