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
const kills = 12;
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
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout })));
}

async function assertConsistent(db: string): Promise<number> {
  if (!existsSync(db)) return 0;
  const store = await SqliteKnowledgeBase.open(db);
  try {
    assert.deepEqual(store.checkIntegrity(), {
      integrityCheck: 'ok',
      chunksWithoutVectors: 0,
      vectorsWithoutOwners: 0,
      documentsWithoutChunks: 0,
      categoriesWithoutVectors: 0,
    });
    return store.listDocuments().length;
  } finally {
    await store.close();
  }
}

test(`SIGKILL during ingest ${kills} times: never corrupt, never half a document, and a re-run completes exactly`, async () => {
  // One undisturbed run tells how long an ingest takes on this machine.
  const reference = join(directory, 'reference.db');
  const started = performance.now();
  const full = await finished(startIngest(reference));
  const fullMs = performance.now() - started;
  assert.equal(full.code, 0);
  assert.equal(JSON.parse(full.stdout).added, documentCount);

  const db = join(directory, 'killed.db');
  let previous = 0;
  let killedMidway = 0;
  for (let attempt = 0; attempt < kills; attempt++) {
    const child = startIngest(db);
    const done = finished(child);
    // Spread the kills over the whole run; later attempts start with more already stored.
    const delay = fullMs * (0.2 + 0.8 * Math.random());
    const timer = setTimeout(() => child.kill('SIGKILL'), delay);
    const result = await done;
    clearTimeout(timer);
    const stored = await assertConsistent(db);
    assert.ok(stored >= previous, `documents went from ${previous} to ${stored}: something stored was lost`);
    if (result.signal === 'SIGKILL' && stored > previous && stored < documentCount) killedMidway++;
    previous = stored;
  }
  const rerun = await finished(startIngest(db));
  assert.equal(rerun.code, 0);
  const report = JSON.parse(rerun.stdout);
  assert.equal(report.added, documentCount - previous);
  assert.equal(report.unchanged, previous);
  assert.equal(report.updated, 0);
  assert.equal(report.removed, 0);
  assert.equal(await assertConsistent(db), documentCount);
  // Not a correctness condition, but the test is only meaningful if some kills hit the writes.
  assert.ok(
    killedMidway >= 1 || previous === documentCount,
    `no kill landed while documents were being written (${fullMs} ms runs)`,
  );
});
