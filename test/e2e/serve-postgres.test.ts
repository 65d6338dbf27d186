import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exampleKnowledgeBasePath } from '../../src/knowledge/load-knowledge-base.js';
import { openKnowledgeStore } from '../../src/stores/open-knowledge-store.js';
import { runCli } from '../fixtures/run-cli.js';
import { freshSchema, postgresTargets } from '../fixtures/test-postgres.js';

// Two `gemma-rag serve` processes over one PostgreSQL knowledge base hold no state of their
// own: what one is given, the other answers from at once, without a restart.
const entry = fileURLToPath(new URL('../../src/cli/entry.ts', import.meta.url));

interface Served {
  url: string;
  child: ChildProcess;
  output: () => string;
}

async function serve(db: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', entry, 'serve', '--db', db, '--port', '0', '--engine', 'lexical', '--no-generate'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving .* at (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
  return { url, child, output: () => output };
}

async function stop(served: Served): Promise<void> {
  if (served.child.exitCode !== null) return;
  const exited = new Promise((resolve) => served.child.on('exit', resolve));
  served.child.kill('SIGTERM');
  await exited;
}

interface Answered {
  document: { title: string } | null;
  thresholds: { category: number; document: number };
}

async function ask(served: Served, question: string): Promise<Answered> {
  const response = await fetch(`${served.url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question, generate: false }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as Answered;
}

for (const target of postgresTargets()) {
  test(`${target.name}: a document posted to one server is answered by another, and removed through it`, async () => {
    const location = freshSchema(target.url, 'serve');
    assert.ok(location.kind === 'postgres');
    const db = `${target.url}?schema=${location.schema}`;
    assert.equal((await runCli(['ingest', exampleKnowledgeBasePath, '--db', db, '--engine', 'lexical'])).exitCode, 0);
    const [first, second] = await Promise.all([serve(db), serve(db)]);
    try {
      const question = 'Wie füttere ich den Büro-Aquariumfisch Blubb?';
      assert.notEqual((await ask(second, question)).document?.title, 'Aquarium');
      const posted = await fetch(`${first.url}/api/documents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          category: 'Büro',
          title: 'Aquarium',
          content: 'Den Büro-Aquariumfisch Blubb füttert man zweimal täglich mit Flocken.',
        }),
      });
      assert.equal(posted.status, 201, await posted.clone().text());
      const { id } = (await posted.json()) as { id: number };
      assert.equal((await ask(second, question)).document?.title, 'Aquarium');
      const listed = (await (await fetch(`${second.url}/api/kb`)).json()) as { categories: Array<{ name: string }> };
      assert.ok(listed.categories.some((category) => category.name === 'Büro'));

      const removed = await fetch(`${second.url}/api/documents/${id}`, { method: 'DELETE' });
      assert.equal(removed.status, 200);
      assert.equal((await fetch(`${first.url}/api/documents/${id}`)).status, 404);
      assert.notEqual((await ask(first, question)).document?.title, 'Aquarium');

      // Thresholds calibrated by another process apply to the next question.
      const store = await openKnowledgeStore(location);
      try {
        await store.writeSetting('thresholds', JSON.stringify({ category: 0.91, document: 0.92, mode: 'hybrid' }));
      } finally {
        await store.close();
      }
      assert.deepEqual((await ask(second, question)).thresholds, {
        category: 0.91,
        document: 0.92,
        support: null,
        source: null,
      });
    } finally {
      await Promise.all([stop(first), stop(second)]);
    }
    assert.ok(!`${first.output()}${second.output()}`.includes('pglite-secret'), 'a server printed the password');
  });
}
