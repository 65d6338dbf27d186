import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { errorCodes } from '../../spec/errors.js';
import { migrations } from './schema.js';
import { SqliteKnowledgeBase } from './sqlite-knowledge-base.js';

test('opening a version-1 knowledge base adds the keyword index and fills it from existing chunks', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'gemma-rag-migrate-'));
  const path = join(directory, 'old.db');
  try {
    const old = new Sqlite(path);
    old.exec(migrations[0] as string);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO categories (name, description, vector_id) VALUES ('财务', '', 'category:财务')").run();
    old
      .prepare(
        "INSERT INTO documents (category_id, source, title, content_hash, updated_at) VALUES (1, '/a', '报销', 'h', 'now')",
      )
      .run();
    old
      .prepare(
        "INSERT INTO chunks (document_id, position, text, tokens, vector_id) VALUES (1, 0, '差旅费用须在次月提交报销。', 12, 'chunk:1:0')",
      )
      .run();
    old.close();
    const store = await SqliteKnowledgeBase.open(path);
    try {
      const hits = await store.keywordSearch('报销', { namespace: 'chunks', limit: 5 });
      assert.deepEqual(
        hits.map((hit) => hit.id),
        ['chunk:1:0'],
      );
      assert.equal((await store.keywordSearch('财务', { namespace: 'categories', limit: 5 })).length, 1);
    } finally {
      await store.close();
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('a knowledge base from a newer gemma-rag is refused, not damaged', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'gemma-rag-migrate-'));
  const path = join(directory, 'new.db');
  try {
    const newer = new Sqlite(path);
    newer.pragma('user_version = 99');
    newer.close();
    await assert.rejects(SqliteKnowledgeBase.open(path), (error: { code: string; message: string }) => {
      assert.equal(error.code, errorCodes.invalidKnowledgeBase);
      assert.match(error.message, /newer gemma-rag/);
      return true;
    });
    const check = new Sqlite(path);
    assert.equal(check.pragma('user_version', { simple: true }), 99);
    check.close();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test("another program's SQLite database is refused and left byte for byte as it was", async () => {
  const directory = await mkdtemp(join(tmpdir(), 'gemma-rag-foreign-'));
  const path = join(directory, 'invoices.db');
  try {
    const foreign = new Sqlite(path);
    foreign.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);');
    foreign.close();
    const bytes = await readFile(path);
    await assert.rejects(SqliteKnowledgeBase.open(path), (error: { code: string; message: string }) => {
      assert.equal(error.code, errorCodes.invalidKnowledgeBase);
      assert.match(error.message, /another program's SQLite database \(tables invoices\)/);
      return true;
    });
    assert.deepEqual(await readFile(path), bytes);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('processes creating the same new knowledge base at the same instant all succeed: creation is one transaction', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'gemma-rag-create-race-'));
  const path = join(directory, 'new.db');
  const opener = new URL('./open-database.ts', import.meta.url).href;
  // Every process loads first, then opens at the same agreed moment, to make the race likely.
  const at = Date.now() + 4000;
  const script = `const { openDatabase } = await import(${JSON.stringify(opener)});
await new Promise((resolve) => setTimeout(resolve, ${at} - Date.now()));
try { (await openDatabase(${JSON.stringify(path)})).close(); } catch (error) { console.error(error.message); process.exit(3); }`;
  try {
    const runs = await Promise.all(
      Array.from(
        { length: 12 },
        () =>
          new Promise<{ code: number | null; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
              stdio: ['ignore', 'ignore', 'pipe'],
            });
            let stderr = '';
            child.stderr.on('data', (chunk: Buffer) => {
              stderr += chunk.toString();
            });
            child.on('close', (code) => resolve({ code, stderr }));
          }),
      ),
    );
    const failed = runs.filter((run) => run.code !== 0);
    assert.deepEqual(failed, [], failed.map((run) => run.stderr).join('\n'));
    const check = new Sqlite(path, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), migrations.length);
    check.close();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
