import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRag } from '../../src/index.js';
import { exampleKnowledgeBasePath } from '../../src/knowledge/load-knowledge-base.js';
import { calibrationSettingKey, serializeCalibration } from '../../src/retrieval/calibration-record.js';
import { createApp } from '../../src/server/create-app.js';
import { defaultLimits } from '../../src/server/server-context.js';
import { startServer } from '../../src/server/start-server.js';
import { WorkQueue } from '../../src/server/work-queue.js';
import { SqliteKnowledgeBase } from '../../src/stores/sqlite/sqlite-knowledge-base.js';
import { runCli } from '../fixtures/run-cli.js';
import { temporaryFolder } from '../fixtures/temporary-files.js';

// `gemma-rag ask` and `POST /api/ask` turn the same route request into the same retrieval
// (route.ts resolveRoute), including settings calibrated into the knowledge base.
const lexical = ['--engine', 'lexical'];
const questions = ['如何重置密码？', 'How many days of annual leave do I get?', 'parcels office', '今天天气怎么样？'];
const variants: Array<{ flags: string[]; body: Record<string, unknown> }> = [
  { flags: [], body: {} },
  { flags: ['--mode', 'two-stage'], body: { mode: 'two-stage' } },
  { flags: ['--mode', 'two-stage', '--hybrid'], body: { mode: 'two-stage', hybrid: true } },
  { flags: ['--mode', 'two-stage', '--category-fallback', '1'], body: { mode: 'two-stage', categoryFallback: 1 } },
  { flags: ['--mode', 'flat'], body: { mode: 'flat' } },
  { flags: ['--mode', 'hybrid', '--relative-cutoff', '0.5'], body: { mode: 'hybrid', relativeCutoff: 0.5 } },
];

const decisionOf = (answer: Record<string, unknown>) => ({
  mode: answer.mode,
  hybrid: answer.hybrid,
  category: answer.category,
  document: answer.document,
  searchedCategories: answer.searchedCategories,
  thresholds: answer.thresholds,
  refused: answer.refused,
});

test('the CLI and the server make the same retrieval decision on the same knowledge base', async (t) => {
  const folder = await temporaryFolder(t);
  const db = join(folder, 'kb.db');
  const home = join(folder, 'home');
  const ingest = await runCli(['ingest', exampleKnowledgeBasePath, '--db', db, ...lexical, '--json'], {
    GEMMA_RAG_HOME: home,
  });
  assert.equal(ingest.exitCode, 0, ingest.stderr);
  // A calibration with a category fallback: `ask` used to ignore it while the server used it.
  const rag = await createRag({ engine: 'lexical' });
  const writer = await SqliteKnowledgeBase.open(db);
  await writer.writeSetting(
    calibrationSettingKey,
    serializeCalibration({
      category: 0.03,
      document: 0.1,
      categoryFallback: { categories: 3, margin: 0.5 },
      mode: 'two-stage',
      embedding: { engine: 'lexical', modelId: rag.embedder.model.modelId, dimensions: 768 },
    }),
  );
  await writer.close();
  const index = await rag.open(db);
  const app = createApp({
    rag,
    knowledgeBases: [{ name: 'kb', index, store: index.knowledge, keys: [] }],
    generate: false,
    queue: new WorkQueue(1, 64),
    limits: defaultLimits,
  });
  const server = await startServer(app, { host: '127.0.0.1', port: 0 });
  try {
    let fallbackUsed = false;
    for (const question of questions) {
      for (const variant of variants) {
        const cli = await runCli(
          ['ask', question, '--db', db, '--no-generate', '--json', ...lexical, ...variant.flags],
          {
            GEMMA_RAG_HOME: home,
          },
        );
        assert.equal(cli.exitCode, 0, cli.stderr);
        const response = await fetch(`${server.url}/api/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ question, generate: false, ...variant.body }),
        });
        assert.equal(response.status, 200);
        const served = (await response.json()) as Record<string, unknown>;
        const label = `"${question}" ${variant.flags.join(' ') || '(defaults)'}`;
        assert.deepEqual(decisionOf(cli.json()), decisionOf(served), label);
        if (((served.searchedCategories as string[]) ?? []).length > 1) fallbackUsed = true;
      }
    }
    assert.ok(fallbackUsed, 'the calibrated fallback took effect somewhere, on both sides');
  } finally {
    await server.close();
    await index.close();
    await rag.dispose();
  }
});
