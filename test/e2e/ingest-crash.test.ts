import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteKnowledgeBase } from '../../src/stores/sqlite/sqlite-knowledge-base.js';

// Kills `gemma-rag ingest` with SIGKILL at random moments and checks that the knowledge
// base is never corrupt or half-written, and that a final run completes it exactly.
const entry = fileURLToPath(new URL('../../src/cli/entry.ts', import.meta.url));
const documentCount = 240;
const kills = 10;
let directory: string;
let corpus: string;
let home: string;

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gemma-rag-crash-'));
  corpus = join(directory, 'corpus');
  home = join(directory, 'home');
  for (const category of ['hr', 'it', 'finance']) await mkdir(join(corpus, category), { recursive: true });
  for (let index = 0; index < documentCount; index++) {
    const category = ['hr', 'it', 'finance'][index % 3] as string;
    const paragraphs = Array.from(
      { length: 6 },
      (_, paragraph) =>
        `Policy ${index}, section ${paragraph}: employees must follow rule ${index * 7 + paragraph}. 第${paragraph}条：员工须遵守第${index}号规定。`,
    );
    await writeFile(join(corpus, category, `policy-${index}.md`), `# Policy ${index}\n\n${paragraphs.join('\n\n')}\n`);
  }
});

after(async () => {
  await rm(directory, { recursive: true, force: true });
});

function startIngest(db: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      entry,
      'ingest',
      corpus,
      '--db',
      db,
      '--engine',
      'lexical',
      '--chunk-tokens',
      '48',
      '--chunk-overlap',
      '8',
      '--json',
    ],
    { env: { ...process.env, GEMMA_RAG_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

function finished(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

async function assertConsistent(db: string): Promise<number> {
  if (!existsSync(db)) return 0;
  const store = await SqliteKnowledgeBase.open(db);
  try {
    assert.deepEqual(await store.checkIntegrity(), {
      integrityCheck: 'ok',
      chunksWithoutVectors: 0,
      vectorsWithoutOwners: 0,
      documentsWithoutChunks: 0,
      categoriesWithoutVectors: 0,
      keywordRowsOutOfStep: 0,
    });
    return (await store.listDocuments()).length;
  } finally {
    await store.close();
  }
}

/** How many documents a knowledge base holds, read without disturbing a writer (WAL). */
async function storedDocuments(db: string): Promise<number> {
  if (!existsSync(db)) return 0;
  const store = await SqliteKnowledgeBase.open(db);
  try {
    return (await store.listDocuments()).length;
  } catch {
    return 0; // the writer may still be creating the schema
  } finally {
    await store.close();
  }
}

/** Kills the child at a random point after it has stored `after` more documents (or when it ends). */
async function killDuringWrites(child: ChildProcess, db: string, after: number): Promise<void> {
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let running = true;
  void exited.then(() => {
    running = false;
  });
  const start = await storedDocuments(db);
  while (running && (await storedDocuments(db)) < start + after) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  child.kill('SIGKILL');
  await exited;
}

test(`SIGKILL during ingest ${kills} times: never corrupt, never half a document, and a re-run completes exactly`, async () => {
  const db = join(directory, 'killed.db');
  let previous = 0;
  let killedMidway = 0;
  const outcomes: string[] = [];
  // Until `kills` kills have landed mid-ingest. On a loaded machine a kill can arrive after the
  // child has already exited; that attempt is retried (at most `kills` times), but a child that
  // fails on its own is a bug and fails the test with its stderr.
  for (let attempt = 0; killedMidway < kills && attempt < 2 * kills; attempt++) {
    const child = startIngest(db);
    const done = finished(child);
    // Each run is killed while it writes: after a random number of further documents.
    await killDuringWrites(child, db, 1 + Math.floor(Math.random() * 12));
    const result = await done;
    const stored = await assertConsistent(db);
    assert.ok(stored >= previous, `documents went from ${previous} to ${stored}: something stored was lost`);
    assert.ok(
      result.signal === 'SIGKILL' || result.code === 0,
      `ingest failed on its own (exit ${result.code}): ${result.stderr.slice(0, 800)}`,
    );
    if (result.signal === 'SIGKILL' && stored < documentCount) killedMidway++;
    else outcomes.push(`attempt ${attempt}: exit ${result.code}, signal ${result.signal}, ${stored} stored`);
    previous = stored;
  }
  assert.ok(killedMidway >= kills, `only ${killedMidway} kills landed mid-ingest:\n${outcomes.join('\n')}`);
  const rerun = await finished(startIngest(db));
  assert.equal(rerun.code, 0);
  const report = JSON.parse(rerun.stdout);
  assert.equal(report.added, documentCount - previous);
  assert.equal(report.unchanged, previous);
  assert.equal(report.updated, 0);
  assert.equal(report.removed, 0);
  assert.equal(await assertConsistent(db), documentCount);
});
