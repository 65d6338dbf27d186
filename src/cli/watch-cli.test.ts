import assert from 'node:assert/strict';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildWorkbook } from '../../test/fixtures/office-writer.js';
import { startCli } from '../../test/fixtures/running-cli.js';
import { temporaryFolder } from '../../test/fixtures/temporary-files.js';
import { SqliteKnowledgeBase } from '../stores/sqlite/sqlite-knowledge-base.js';

// Real file-system events through chokidar; every wait is generous and nothing asserts speed.
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
      (await store.listDocuments()).map((document) => [document.category, document.title]),
      [
        ['Finance', 'budget › Q1'],
        ['HR', 'Leave'],
      ],
    );
    assert.match((await store.documentsByTitle('Leave'))[0]?.chunks[0]?.text ?? '', /fifteen days/);
    assert.equal((await store.checkIntegrity()).integrityCheck, 'ok');
  } finally {
    await store.close();
  }
});

test('ingest --watch --follow-symlinks: a link added to a file outside the folder is skipped with the reason', async (t) => {
  const folder = await temporaryFolder(t);
  const docs = join(folder, 'docs');
  await mkdir(join(docs, 'Notes'), { recursive: true });
  await mkdir(join(folder, 'home'), { recursive: true });
  await writeFile(join(docs, 'Notes', 'readme.md'), '# Notes\n\nNothing secret here.\n');
  await writeFile(join(folder, 'home', 'id_ed25519.md'), '-----BEGIN OPENSSH PRIVATE KEY-----\n');
  const db = join(folder, 'watch.db');
  const cli = startCli(
    t,
    ['ingest', docs, '--db', db, '--watch', '--follow-symlinks', '--engine', 'lexical', '--json'],
    folder,
  );
  await cli.waitFor('stderr', (line) => line.startsWith('Watching'));
  const link = join(docs, 'Notes', 'setup.md');
  await symlink(join(folder, 'home', 'id_ed25519.md'), link);
  const found = await cli.waitFor('stdout', (line) => {
    const parsed = JSON.parse(line) as Change;
    return parsed.path === link;
  });
  const skipped = JSON.parse(found.line) as Change & { skipped: Array<{ reason: string }> };
  assert.equal(skipped.outcome, 'skipped');
  assert.match(skipped.skipped[0]?.reason ?? '', /outside the paths being ingested/);
  assert.equal(await cli.stop(), 0);
  const store = await SqliteKnowledgeBase.open(db);
  try {
    assert.deepEqual(
      (await store.listDocuments()).map((document) => document.title),
      ['Notes'],
    );
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
