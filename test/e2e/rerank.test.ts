import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { EvalReport } from '../../src/eval/run-eval.js';
import type { AskJson } from '../../src/presentation/ask-json.js';
import { FakeModelServer, sharedTermsLogit } from '../fixtures/fake-model-server.js';
import { runCli } from '../fixtures/run-cli.js';
import { writeSquadFixture } from '../fixtures/squad-fixture.js';
import { startTestServer } from '../fixtures/test-server.js';
import { writeTinyEmbeddingGemma } from '../fixtures/tiny-models.js';
import { writeTinyReranker } from '../fixtures/tiny-reranker.js';

// --rerank end to end: the tiny random-weight reranker GGUF through llama.cpp, and a fake
// llama-server /v1/rerank whose scores grow with shared words (so orderings mean something).
let directory: string;
let reranker: string;
let embedding: string;
let server: FakeModelServer;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gemma-rag-rerank-e2e-'));
  [reranker, embedding] = await Promise.all([writeTinyReranker(directory), writeTinyEmbeddingGemma(directory)]);
  server = await FakeModelServer.start({ models: ['bge-reranker-v2-m3'] });
});
after(async () => {
  await server?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

const lexical = ['--engine', 'lexical', '--no-generate'];
const serverReranker = () => [
  '--rerank',
  'bge-reranker-v2-m3',
  '--rerank-engine',
  'openai-compatible',
  '--rerank-base-url',
  server.baseUrl,
];
const sigmoid = (logit: number) => 1 / (1 + Math.exp(-logit));

test('ask --rerank with a reranker GGUF: scores in --json and --explain, the embedding gate unchanged', async () => {
  const question = 'How many days of annual leave do I get?';
  const run = await runCli(['ask', question, ...lexical, '--rerank', reranker, '--threads', '1', '--json']);
  assert.equal(run.exitCode, 0, run.stderr);
  const output = run.json() as unknown as AskJson;
  assert.equal(output.rerank?.engine, 'llama-cpp');
  assert.equal(output.rerank?.model, reranker);
  assert.equal(output.rerank?.top, 20);
  assert.equal(output.rerank?.threshold, 0.1);
  assert.ok((output.rerank?.candidates ?? 0) >= 1);
  const reranked = output.scores.documents.filter((document) => document.rerankScore !== undefined);
  assert.ok(reranked.length >= 1);
  // Every document the reranker read passed the embedding gate.
  for (const document of reranked) assert.ok(document.score >= output.thresholds.document);
  for (const citation of output.citations) assert.ok((citation.rerankScore ?? -1) >= 0.1);

  const plain = (await runCli(['ask', question, ...lexical, '--json'])).json() as unknown as AskJson;
  assert.equal(plain.rerank, null);
  assert.deepEqual(plain.thresholds, output.thresholds);

  const explained = await runCli(['ask', question, ...lexical, '--rerank', reranker, '--threads', '1', '--explain']);
  assert.equal(explained.exitCode, 0, explained.stderr);
  assert.match(
    explained.stderr,
    /Reranker .*tiny-reranker.* — read \d+ passages? that passed the embedding gate \(floor 0\.1\):/,
  );
  assert.match(explained.stderr, /, rerank 0\.\d{3}\)/);
});

test("ask --rerank on llama-server's /v1/rerank: its order decides, and its floor refuses without the model", async () => {
  const question = 'How do I reset my password?';
  const run = await runCli(['ask', question, ...lexical, ...serverReranker(), '--mode', 'flat', '--json']);
  assert.equal(run.exitCode, 0, run.stderr);
  const output = run.json() as unknown as AskJson;
  const scored = output.scores.documents.filter((document) => document.rerankScore !== undefined);
  const scores = scored.map((document) => document.rerankScore ?? 0);
  assert.deepEqual(
    scores,
    [...scores].sort((left, right) => right - left),
    'documents come in rerank order',
  );
  assert.equal(output.document?.rerankScore, scores[0]);
  const request = server.requests.findLast((entry) => entry.path === '/v1/rerank');
  const body = request?.body as { query: string; documents: string[] };
  assert.equal(body.query, question);
  assert.equal(Math.max(...body.documents.map((text) => sigmoid(sharedTermsLogit(question, text)))), scores[0]);

  const strict = await runCli([
    'ask',
    question,
    ...lexical,
    ...serverReranker(),
    '--rerank-threshold',
    '0.9999',
    '--json',
  ]);
  assert.equal(strict.exitCode, 0, strict.stderr);
  const refused = strict.json() as unknown as AskJson;
  assert.equal(refused.refused, true);
  assert.equal(refused.document, null);
  const text = await runCli(['ask', question, ...lexical, ...serverReranker(), '--rerank-threshold', '0.9999']);
  assert.match(text.stderr, /No passage reached the reranker's floor 0\.9999 \(best: 0\.\d{3}\)/);
});

test('reranker flags are checked before anything loads; an embedding model is not a reranker (exit 4)', async () => {
  const stray = await runCli(['ask', 'q', ...lexical, '--rerank-top', '5']);
  assert.equal(stray.exitCode, 2);
  assert.match(stray.stderr, /--rerank-… options need --rerank MODEL/);
  const badTop = await runCli(['ask', 'q', ...lexical, '--rerank', reranker, '--rerank-top', '0']);
  assert.equal(badTop.exitCode, 2);
  const badFloor = await runCli(['ask', 'q', ...lexical, '--rerank', reranker, '--rerank-threshold', '1.5']);
  assert.equal(badFloor.exitCode, 2);
  const notReranker = await runCli(['ask', 'q', ...lexical, '--rerank', embedding, '--json']);
  assert.equal(notReranker.exitCode, 4);
  assert.equal((notReranker.json().error as { code: string }).code, 'MODEL_INCOMPATIBLE');
});

test('POST /api/ask and /api/search on a server with a reranker report its scores', async () => {
  const app = await startTestServer({
    config: {
      engine: 'lexical',
      rerankModel: 'bge-reranker-v2-m3',
      rerankEngine: 'openai-compatible',
      rerankBaseUrl: server.baseUrl,
    },
  });
  try {
    const ask = await fetch(`${app.url}/api/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'How do I reset my password?' }),
    });
    const body = (await ask.json()) as AskJson;
    assert.equal(body.rerank?.model, 'bge-reranker-v2-m3');
    assert.ok(typeof body.document?.rerankScore === 'number');
    const search = await fetch(`${app.url}/api/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'reset password portal' }),
    });
    const results = ((await search.json()) as { results: Array<{ rerankScore?: number }> }).results;
    assert.ok(results.some((result) => typeof result.rerankScore === 'number'));
  } finally {
    await app.close();
  }
});

test('eval xquad --rerank: reranked rows beside the plain ones, and the gain table', async () => {
  const data = await mkdtemp(join(directory, 'xquad-'));
  await writeSquadFixture(data);
  const base = ['eval', 'xquad', '--data', data, '--lang', 'en', '--mode', 'two-stage,flat', '--dimensions', '768'];
  const run = await runCli([...base, '--engine', 'lexical', '--rerank', reranker, '--threads', '1', '--json']);
  assert.equal(run.exitCode, 0, run.stderr);
  const report = run.json() as unknown as EvalReport;
  assert.deepEqual(
    report.results.map((row) => [row.mode, row.reranked]),
    [
      ['two-stage', false],
      ['two-stage', true],
      ['flat', false],
      ['flat', true],
    ],
  );
  assert.deepEqual(report.reranker, { engine: 'llama-cpp', model: reranker, top: 20 });
  const twoStage = report.results.filter((row) => row.mode === 'two-stage');
  assert.equal(twoStage[0]?.categoryAccuracy, twoStage[1]?.categoryAccuracy, 'stage 1 runs before the reranker');
  for (const row of report.results) assert.ok(row.hitAt1 >= 0 && row.hitAt1 <= 1 && row.recallAt10 <= 1);

  const text = await runCli([...base, '--engine', 'lexical', ...serverReranker()]);
  assert.equal(text.exitCode, 0, text.stderr);
  assert.match(text.stdout, /\| flat \+ rerank \| 768 \|/);
  assert.match(text.stdout, /Reranker gain \(openai-compatible bge-reranker-v2-m3, top 20 passages; questions en\)/);
  assert.match(text.stdout, /\| flat \| 768 \| [+-]\d\.\d{3} \| [+-]\d\.\d{3} \| [+-]\d\.\d{3} \| [+-]\d\.\d{3} \|/);
});
