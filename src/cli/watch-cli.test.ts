import assert from 'node:assert/strict';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { type TestContext, test } from 'node:test';
import { buildWorkbook } from '../../test/fixtures/office-writer.js';
import { temporaryFolder } from '../../test/fixtures/temporary-files.js';
import { SqliteKnowledgeBase } from '../stores/sqlite/sqlite-knowledge-base.js';
import type { CliIo } from './cli-io.js';
import { main } from './main.js';

// Real file-system events through chokidar; every wait is generous and nothing asserts speed.
const eventTimeout = 60_000;

/** Runs the CLI in-process until `stop()`, with its output readable line by line as it arrives. */
function startCli(t: TestContext, argv: string[], home: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const waiters: Array<() => void> = [];
  for (const [name, stream] of [
    ['stdout', stdout],
    ['stderr', stderr],
  ] as const) {
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines[name].push(...parts);
      for (const wake of waiters.splice(0)) wake();
    });
  }
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const io: CliIo = { stdout, stderr, stdin: Readable.from([]), environment: { ...process.env, GEMMA_RAG_HOME: home } };
  const exit = main(argv, io, () => stopped);
  t.after(async () => {
    stop();
    await exit;
  });
  /** Resolves with the first line (from `from` on) that matches; fails after the timeout with all output. */
  const waitFor = async (stream: 'stdout' | 'stderr', match: (line: string) => boolean, from = 0) => {
    const deadline = Date.now() + eventTimeout;
    for (;;) {
      const index = lines[stream].findIndex((line, position) => position >= from && match(line));
      if (index !== -1) return { line: lines[stream][index] as string, index };
      if (Date.now() > deadline)
        assert.fail(
          `no matching ${stream} line; stdout:\n${lines.stdout.join('\n')}\nstderr:\n${lines.stderr.join('\n')}`,
        );
      await Promise.race([
        new Promise<void>((resolve) => waiters.push(resolve)),
        new Promise((resolve) => setTimeout(resolve, 250)),
      ]);
    }
  };
  const finish = async () => {
    stop();
    return exit;
  };
  return { lines, waitFor, stop: finish };
}

interface Change {
  path: string;
  outcome: string;
  documents: number;
}

test('ingest --watch follows files added, changed, renamed and deleted, one JSON line per change', async (t) => {
  const folder = await temporaryFolder(t);
  const docs = join(folder, 'docs');
  await mkdir(join(docs, 'HR'), { recursive: true });
  await writeFile(join(docs, 'HR', 'leave.md'), '# Leave\n\nAnnual leave is twelve days.\n');
  const db = join(folder, 'watch.db');
  const cli = startCli(t, ['ingest', docs, '--db', db, '--watch', '--engine', 'lexical', '--json'], folder);
  const summary = JSON.parse((await cli.waitFor('stdout', (line) => line.startsWith('{'))).line) as { added: number };
  assert.equal(summary.added, 1);
  await cli.waitFor('stderr', (line) => line.startsWith('Watching'));

  const change = async (path: string, outcome: string) => {
    const found = await cli.waitFor('stdout', (line) => {
      const parsed = JSON.parse(line) as Change;
      return parsed.path === path && parsed.outcome === outcome;
    });
    return JSON.parse(found.line) as Change;
  };
  await writeFile(join(docs, 'HR', 'vpn.md'), '# VPN\n\n使用公司账号登录 VPN。\n');
  assert.equal((await change(join(docs, 'HR', 'vpn.md'), 'added')).documents, 1);
  await writeFile(join(docs, 'HR', 'leave.md'), '# Leave\n\nAnnual leave is fifteen days.\n');
  await change(join(docs, 'HR', 'leave.md'), 'updated');
  await rename(join(docs, 'HR', 'vpn.md'), join(docs, 'HR', 'remote-access.md'));
  await change(join(docs, 'HR', 'vpn.md'), 'removed');
  await change(join(docs, 'HR', 'remote-access.md'), 'added');
  await mkdir(join(docs, 'Finance'));
  await writeFile(
    join(docs, 'Finance', 'budget.xlsx'),
    await buildWorkbook(
      {
        Q1: [
          ['Item', 'Cost'],
          ['Laptops', 12000],
        ],
      },
      'xlsx',
    ),
  );
  await change(join(docs, 'Finance', 'budget.xlsx'), 'added');
  await rm(join(docs, 'HR', 'remote-access.md'));
  assert.equal((await change(join(docs, 'HR', 'remote-access.md'), 'removed')).documents, 1);
  await writeFile(join(docs, 'HR', 'notes.md'), '');
  await change(join(docs, 'HR', 'notes.md'), 'skipped');

  assert.equal(await cli.stop(), 0);
  const store = await SqliteKnowledgeBase.open(db);
  try {
    assert.deepEqual(
      store.listDocuments().map((document) => [document.category, document.title]),
      [
        ['Finance', 'budget › Q1'],
        ['HR', 'Leave'],
      ],
    );
    assert.match(store.documentsByTitle('Leave')[0]?.chunks[0]?.text ?? '', /fifteen days/);
    assert.equal(store.checkIntegrity().integrityCheck, 'ok');
  } finally {
    await store.close();
  }
});

test('serve --watch answers from a file added while serving', async (t) => {
  const folder = await temporaryFolder(t);
  const docs = join(folder, 'docs');
  await mkdir(join(docs, 'IT'), { recursive: true });
  await writeFile(join(docs, 'IT', 'wifi.md'), '# Wi-Fi\n\nThe office Wi-Fi is called staff-net.\n');
  const db = join(folder, 'serve.db');
  const ingest = startCli(t, ['ingest', docs, '--db', db, '--engine', 'lexical', '--json'], folder);
  assert.equal(await ingest.stop(), 0);
  const cli = startCli(
    t,
    ['serve', '--db', db, '--port', '0', '--watch', docs, '--engine', 'lexical', '--no-generate'],
    folder,
  );
  const url = /at (http:\/\/\S+)/.exec((await cli.waitFor('stdout', (line) => / at http:/.test(line))).line)?.[1];
  await cli.waitFor('stderr', (line) => line.startsWith('Watching'));
  await writeFile(join(docs, 'IT', 'printer.md'), '# Printer\n\n打印机在三楼东侧，名称是 PRN-3E。\n');
  await cli.waitFor('stdout', (line) => line.startsWith('added') && line.includes('printer.md'));
  const response = await fetch(`${url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: '打印机在哪里？', mode: 'flat' }),
  });
  const answer = (await response.json()) as { document: { title: string } | null };
  assert.equal(answer.document?.title, 'Printer');
  assert.equal(await cli.stop(), 0);
});
