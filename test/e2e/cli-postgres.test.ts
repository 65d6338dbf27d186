import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { exampleKnowledgeBasePath } from '../../src/knowledge/load-knowledge-base.js';
import type { AskJson } from '../../src/presentation/ask-json.js';
import { runCli } from '../fixtures/run-cli.js';
import { freshSchema, postgresTargets } from '../fixtures/test-postgres.js';

// The CLI as users run it with --db postgres://… (and GEMMA_RAG_DB): the same answers as on
// SQLite, the password never printed, and no more `postgres:` folders.
const lexical = ['--engine', 'lexical'];
let folder: string;
let sqlite: string;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemma-rag-cli-pg-'));
  sqlite = join(folder, 'same.db');
  const run = await runCli(['ingest', exampleKnowledgeBasePath, '--db', sqlite, ...lexical, '--json']);
  assert.equal(run.exitCode, 0, run.stderr);
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** The URL of a fresh schema, as a user would type it (password included). */
function newDatabase(url: string): string {
  const location = freshSchema(url, 'cli');
  assert.ok(location.kind === 'postgres');
  return `${url}?schema=${location.schema}`;
}

function assertNoSecret(run: { stdout: string; stderr: string }, secret: string): void {
  assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'the password was printed');
}

for (const target of postgresTargets()) {
  const secret = () => new URL(target.url).password;

  test(`${target.name}: ingest, ask, search, kb and reindex work on postgres:// as on a file`, async () => {
    const db = newDatabase(target.url);
    const ingest = await runCli(['ingest', exampleKnowledgeBasePath, '--db', db, ...lexical, '--json']);
    assert.equal(ingest.exitCode, 0, ingest.stderr);
    const report = ingest.json();
    assert.ok((report.added as number) > 0);
    if (secret()) assert.match(String(report.db), /:\*\*\*@/);
    assertNoSecret(ingest, secret() || '\u0000');

    const questions = ['如何重置密码？', 'How many days of annual leave do I get?', '経費の精算方法は？'];
    for (const route of [[], ['--mode', 'two-stage', '--hybrid']]) {
      for (const question of questions) {
        const [onPostgres, onSqlite] = await Promise.all(
          [db, sqlite].map(async (where) => {
            const run = await runCli(['ask', question, '--db', where, ...lexical, ...route, '--no-generate', '--json']);
            assert.equal(run.exitCode, 0, run.stderr);
            return run.json() as unknown as AskJson;
          }),
        );
        assert.equal(onPostgres?.document?.title, onSqlite?.document?.title, question);
        assert.equal(onPostgres?.category?.name, onSqlite?.category?.name, question);
        assert.deepEqual(
          onPostgres?.scores.documents.map((document) => document.title),
          onSqlite?.scores.documents.map((document) => document.title),
        );
        onPostgres?.scores.documents.forEach((document, index) => {
          assert.ok(Math.abs(document.score - (onSqlite?.scores.documents[index]?.score ?? 0)) < 1e-5);
        });
      }
    }

    type Listing = { categories: Array<{ name: string }>; search: { method: string } };
    const [listPostgres, listSqlite] = (await Promise.all(
      [db, sqlite].map(async (where) => (await runCli(['kb', 'list', '--db', where, '--json'])).json()),
    )) as unknown as [Listing, Listing];
    assert.deepEqual(listPostgres.categories, listSqlite.categories);
    assert.equal(listPostgres.search.method, 'hnsw');

    const fromEnvironment = await runCli(['search', 'annual leave', ...lexical, '--json'], { GEMMA_RAG_DB: db });
    assert.equal(fromEnvironment.exitCode, 0, fromEnvironment.stderr);
    assert.ok((fromEnvironment.json().results as unknown[]).length > 0);

    const reindex = await runCli(['reindex', '--dimensions', '256', ...lexical, '--json'], { GEMMA_RAG_DB: db });
    assert.equal(reindex.exitCode, 0, reindex.stderr);
    assert.equal(reindex.json().dimensions, 256);
    const stale = await runCli(['ask', '如何重置密码？', '--db', db, ...lexical, '--no-generate', '--json']);
    assert.equal(stale.exitCode, 2, 'a 768-dimension question on a 256-dimension knowledge base is refused');
    assert.equal((stale.json().error as { code: string }).code, 'KNOWLEDGE_BASE_MISMATCH');
    assertNoSecret(stale, secret() || '\u0000');

    const title = listPostgres.categories[0]?.name as string;
    const removed = await runCli(['kb', 'rm', '--category', title, '--db', db, '--json']);
    assert.equal(removed.exitCode, 0, removed.stderr);
    assert.ok((removed.json().removed as number) > 0);
  });

  test(`${target.name}: calibrate stores thresholds in the database that ask then uses`, async () => {
    const db = newDatabase(target.url);
    assert.equal((await runCli(['ingest', exampleKnowledgeBasePath, '--db', db, ...lexical])).exitCode, 0);
    const labels = join(folder, `labels-${Date.now()}.jsonl`);
    const list = (await runCli(['kb', 'list', '--db', db, '--json'])).json() as {
      categories: Array<{ name: string }>;
    };
    const shown = await runCli(['search', '如何重置密码？', '--db', db, ...lexical, '--json']);
    const best = (shown.json().results as Array<{ title: string; category: string }>)[0];
    assert.ok(best && list.categories.length > 0);
    await writeFile(
      labels,
      [
        { question: '如何重置密码？', expected: { category: best.category, title: best.title } },
        { question: 'Which football team won the cup final?', expected: null },
      ]
        .map((label) => JSON.stringify(label))
        .join('\n'),
    );
    const calibrated = await runCli(['calibrate', '--labels', labels, ...lexical, '--json'], { GEMMA_RAG_DB: db });
    assert.equal(calibrated.exitCode, 0, calibrated.stderr);
    const after = calibrated.json() as { after: { thresholds: { category: number; document: number } } };
    const ask = await runCli(['ask', '如何重置密码？', '--db', db, ...lexical, '--no-generate', '--json']);
    // The support gate and the source check are not calibrated; the lexical stand-in has neither.
    const { support, source, ...gates } = (ask.json() as unknown as AskJson).thresholds;
    assert.deepEqual(gates, after.after.thresholds);
    assert.equal(support, null);
    assert.equal(source, null);
  });

  test(`${target.name}: TLS settings in the URL reach the driver`, async () => {
    // Neither PGlite nor the CI server offers TLS: sslmode=require must make the driver refuse.
    const db = `${newDatabase(target.url)}&sslmode=require`;
    const run = await runCli(['kb', 'list', '--db', db, '--json']);
    assert.equal(run.exitCode, 7, run.stderr);
    assert.match(run.stderr, /SSL/i);
    assertNoSecret(run, secret() || '\u0000');
  });

  test(`${target.name}: a schema without a knowledge base is refused by commands that only read or edit`, async () => {
    const db = newDatabase(target.url);
    for (const argv of [
      ['kb', 'list', '--db', db, '--json'],
      ['reindex', '--db', db, ...lexical, '--json'],
      ['ask', 'x', '--db', db, ...lexical, '--no-generate', '--json'],
    ]) {
      const run = await runCli(argv);
      assert.equal(run.exitCode, 2, `${argv[0]}: ${run.stderr}`);
      assert.equal((run.json().error as { code: string }).code, 'INVALID_KNOWLEDGE_BASE');
    }
  });
}

test('an unreachable database exits 7 with STORE_UNAVAILABLE, the password masked everywhere', async () => {
  const db = 'postgresql://ann:N0t-Printed!@127.0.0.1:9/kb?sslmode=disable';
  for (const argv of [
    ['kb', 'list', '--db', db, '--json'],
    ['ingest', exampleKnowledgeBasePath, '--db', db, ...lexical, '--json'],
  ]) {
    const run = await runCli(argv);
    assert.equal(run.exitCode, 7, run.stderr);
    assert.equal((run.json().error as { code: string }).code, 'STORE_UNAVAILABLE');
    assert.match(run.stderr, /postgresql:\/\/ann:\*\*\*@127\.0\.0\.1:9\/kb/);
    assertNoSecret(run, 'N0t-Printed');
  }
});

test('a database URL never becomes a folder; another scheme is refused', async () => {
  const before = existsSync(resolve('postgres:'));
  const run = await runCli(['ingest', exampleKnowledgeBasePath, '--db', 'postgres://127.0.0.1:9/kb', ...lexical]);
  assert.equal(run.exitCode, 7);
  assert.equal(existsSync(resolve('postgres:')), before);
  const other = await runCli(['kb', 'list', '--db', 'mysql://root:pw@localhost/kb', '--json']);
  assert.equal(other.exitCode, 2);
  assert.match(other.stderr, /Unsupported knowledge base location mysql:\/\/root:\*\*\*@localhost\/kb/);
  assert.equal(existsSync(resolve('mysql:')), false);
});
