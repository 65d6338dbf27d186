import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { crashHookVariable } from '../../src/engines/isolated/engine-messages.js';
import { errorJsonSchema } from '../../src/presentation/error-json.js';
import { SqliteKnowledgeBase } from '../../src/stores/sqlite/sqlite-knowledge-base.js';
import { runCli } from '../fixtures/run-cli.js';
import { parseServerSentEvents } from '../fixtures/test-server.js';
import { type TinyModelPaths, writeTinyModels } from '../fixtures/tiny-models.js';

// `gemma-rag serve` as users run it, with its engines in a child process that is made to
// abort (as llama.cpp does on a failed assertion) whenever an input carries the marker.
// The server must stay up, fail only the requests in flight with 503 ENGINE_FAILURE,
// restart the engine, lose no write it acknowledged, and answer the next question.
const entry = fileURLToPath(new URL('../../src/cli/entry.ts', import.meta.url));
const marker = 'ZAP-ZAP';
let root: string;
let db: string;
let models: TinyModelPaths;
let server: ChildProcess;
let url: string;
let serverOutput = '';

async function startServe(): Promise<void> {
  server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      entry,
      'serve',
      '--db',
      db,
      '--engine',
      'lexical',
      '--generation-engine',
      'llama-cpp',
      '--generation-model',
      models.generator,
      '--threads',
      '1',
      '--cpu',
      '--port',
      '0',
    ],
    { env: { ...process.env, GEMMA_RAG_HOME: join(root, 'home'), [crashHookVariable]: marker }, stdio: 'pipe' },
  );
  server.stderr?.on('data', (chunk: Buffer) => {
    serverOutput += chunk.toString();
  });
  url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = /serving .* at (http:\/\/\S+)/.exec(stdout);
      if (found?.[1]) resolve(found[1]);
    });
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${serverOutput}`)));
  });
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gemma-rag-isolation-'));
  models = await writeTinyModels();
  db = join(root, 'kb.db');
  const docs = join(root, 'docs', 'Zap');
  await mkdir(docs, { recursive: true });
  // Ingested without the hook: only the server's engine process reacts to the marker.
  await writeFile(join(docs, 'zap.md'), `# Zap protocol\n\nThe zap protocol says ${marker} twice a day.\n`);
  for (const source of ['examples/knowledge-base.json', join(root, 'docs')]) {
    const run = await runCli(['ingest', source, '--db', db, '--engine', 'lexical']);
    assert.equal(run.exitCode, 0, run.stderr);
  }
  await startServe();
});

after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await rm(models.directory, { recursive: true, force: true });
  await rm(root, { recursive: true, force: true });
});

const post = (path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });

function assertEngineFailure(status: number, body: unknown): void {
  assert.equal(status, 503, JSON.stringify(body));
  assert.equal(errorJsonSchema.parse(body).error.code, 'ENGINE_FAILURE');
}

test('an engine abort under concurrent load: in-flight requests get 503 ENGINE_FAILURE, no acknowledged write is lost, the server answers on', async () => {
  const started = performance.now();
  const requests = [
    ...Array.from({ length: 4 }, (_, index) => ({
      kind: 'write' as const,
      title: `Before ${index}`,
      response: post('/api/documents', {
        category: 'Load',
        title: `Before ${index}`,
        content: `Printer ${index} is on floor ${index}.`,
      }),
    })),
    {
      kind: 'crash' as const,
      title: '',
      response: post('/api/ask', { question: `What does ${marker} mean?`, generate: false }),
    },
    ...Array.from({ length: 6 }, (_, index) => ({
      kind: 'question' as const,
      title: '',
      response: post('/api/ask', { question: `How many days of annual leave do I get? ${index}`, generate: false }),
    })),
    ...Array.from({ length: 4 }, (_, index) => ({
      kind: 'write' as const,
      title: `After ${index}`,
      response: post('/api/documents', {
        category: 'Load',
        title: `After ${index}`,
        content: `Room ${index} seats ${index + 4}.`,
      }),
    })),
  ];
  const settled = await Promise.all(
    requests.map(async ({ kind, title, response }) => {
      const answer = await response;
      return { kind, title, status: answer.status, body: (await answer.json()) as unknown };
    }),
  );
  console.log(
    `engine crash under load: ${settled.map(({ kind, status }) => `${kind} ${status}`).join(', ')} in ${(performance.now() - started).toFixed(0)} ms`,
  );
  const crash = settled.find(({ kind }) => kind === 'crash');
  assert.ok(crash);
  assertEngineFailure(crash.status, crash.body);
  for (const { status, body } of settled) {
    if (status >= 300) assertEngineFailure(status, body);
  }
  assert.equal(server.exitCode, null, 'the server process is still running');
  assert.match(serverOutput, /The engine process( for .+)? was killed by SIGABRT/);

  // The server answers: health, the knowledge base, and a question after the restart.
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  const kb = (await (await fetch(`${url}/api/kb`)).json()) as {
    categories: Array<{ items: Array<{ title: string }> }>;
  };
  const titles = new Set(kb.categories.flatMap((category) => category.items.map((item) => item.title)));
  const acknowledged = settled.filter(({ kind, status }) => kind === 'write' && status < 300);
  for (const { title } of acknowledged) assert.ok(titles.has(title), `acknowledged write "${title}" is missing`);
  const restartStarted = performance.now();
  const next = await post('/api/ask', { question: 'How many days of annual leave do I get?', generate: false });
  assert.equal(next.status, 200, await next.clone().text());
  console.log(`the next question after the crash: ${(performance.now() - restartStarted).toFixed(0)} ms`);
  const store = await SqliteKnowledgeBase.open(db);
  try {
    assert.equal((await store.checkIntegrity()).integrityCheck, 'ok');
    const stored = new Set((await store.listDocuments()).map((document) => document.title));
    for (const { title } of acknowledged) assert.ok(stored.has(title));
    for (const { kind, title, status } of settled) {
      if (kind === 'write' && status >= 300) assert.ok(!stored.has(title), `a failed write "${title}" left a document`);
    }
  } finally {
    await store.close();
  }
});

test('an engine abort in the middle of an answer stream ends it with the error event; the next stream is answered', async () => {
  const crashed = await post('/api/ask', { question: 'What does the zap protocol say?', stream: true, maxTokens: 4 });
  const events = parseServerSentEvents(await crashed.text());
  assert.equal(events[0]?.event, 'retrieval');
  const error = events.find((event) => event.event === 'error');
  assert.ok(error, `events: ${events.map((event) => event.event).join(', ')}`);
  assert.equal(errorJsonSchema.parse(JSON.parse(error.data)).error.code, 'ENGINE_FAILURE');
  const answered = await post('/api/ask', {
    question: 'How many days of annual leave do I get?',
    stream: true,
    maxTokens: 4,
  });
  const after = parseServerSentEvents(await answered.text());
  assert.equal(after.at(-1)?.event, 'result', JSON.stringify(after));
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  assert.equal(server.exitCode, null);
});
