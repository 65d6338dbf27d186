import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../test/fixtures/run-cli.js';
import { exampleKnowledgeBasePath } from '../knowledge/load-knowledge-base.js';
import type { AskJson } from '../presentation/ask-json.js';
import { SqliteKnowledgeBase } from '../stores/sqlite/sqlite-knowledge-base.js';

const exampleFolder = exampleKnowledgeBasePath.replace(/\.json$/, '');
const lexical = ['--engine', 'lexical'];
let directory: string;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gemma-rag-ingest-cli-'));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

interface IngestJson {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  skipped: Array<{ path: string; reason: string }>;
  chunksEmbedded: number;
}

const ingest = async (...args: string[]) => {
  const run = await runCli(['ingest', ...args, ...lexical, '--json']);
  assert.equal(run.exitCode, 0, run.stderr);
  return run.json() as unknown as IngestJson;
};

const questions = [
  '如何重置密码？',
  'How many days of annual leave do I get?',
  '経費精算の締め切りはいつですか',
  'How do I book a meeting room?',
  '今天天气怎么样？',
];

test('the example as a Markdown folder answers the same as the JSON form', async () => {
  const jsonDb = join(directory, 'json.db');
  const folderDb = join(directory, 'folder.db');
  assert.equal((await ingest(exampleKnowledgeBasePath, '--db', jsonDb)).added, 24);
  const folder = await ingest(exampleFolder, '--db', folderDb);
  assert.equal(folder.added, 24, JSON.stringify(folder.skipped));
  assert.deepEqual(folder.skipped, []);
  for (const question of questions) {
    const fromJson = (
      await runCli(['ask', question, '--db', jsonDb, ...lexical, '--no-generate', '--json'])
    ).json() as unknown as AskJson;
    const fromFolder = (
      await runCli(['ask', question, '--db', folderDb, ...lexical, '--no-generate', '--json'])
    ).json() as unknown as AskJson;
    assert.equal(fromFolder.refused, fromJson.refused, question);
    assert.equal(fromFolder.document?.title, fromJson.document?.title, question);
    assert.equal(fromFolder.category?.name, fromJson.category?.name, question);
    assert.equal(fromFolder.answer, fromJson.answer, question);
  }
});

test('ask --json cites the chunk it answered from', async () => {
  const db = join(directory, 'citations.db');
  await ingest(exampleKnowledgeBasePath, '--db', db);
  const output = (
    await runCli(['ask', '如何重置密码？', '--db', db, ...lexical, '--no-generate', '--json'])
  ).json() as unknown as AskJson;
  assert.equal(output.citations.length, 1);
  assert.equal(output.citations[0]?.title, '账户密码重置');
  assert.match(output.citations[0]?.chunk ?? '', /password\.example\.com/);
  assert.equal(typeof output.citations[0]?.score, 'number');
  const refused = (
    await runCli(['ask', '今天天气怎么样？', '--db', db, ...lexical, '--json'])
  ).json() as unknown as AskJson;
  assert.deepEqual(refused.citations, []);
});

test('re-ingesting an unchanged folder embeds nothing; changing one file re-embeds only it; --prune removes deleted files', async () => {
  const corpus = join(directory, 'corpus');
  await cp(exampleFolder, corpus, { recursive: true });
  const db = join(directory, 'incremental.db');
  assert.equal((await ingest(corpus, '--db', db)).chunksEmbedded, 24);
  const again = await ingest(corpus, '--db', db);
  assert.deepEqual(
    [again.added, again.updated, again.unchanged, again.removed, again.skipped.length, again.chunksEmbedded],
    [0, 0, 24, 0, 0, 0],
  );
  const itFolder = join(corpus, 'IT 与信息安全 · IT & Security · IT・情報セキュリティ');
  await writeFile(
    join(itFolder, '账户密码重置.md'),
    '---\ntitle: "账户密码重置"\n---\n\n密码请在新门户 https://id.example.com 重置。\n',
  );
  const changed = await ingest(corpus, '--db', db);
  assert.deepEqual([changed.added, changed.updated, changed.unchanged, changed.chunksEmbedded], [0, 1, 23, 1]);
  await rm(join(itFolder, '软件申请流程.md'));
  const withoutPrune = await ingest(corpus, '--db', db);
  assert.equal(withoutPrune.removed, 0);
  const pruned = await ingest(corpus, '--db', db, '--prune');
  assert.equal(pruned.removed, 1);
  assert.equal(pruned.unchanged, 23);
});

test('kb list, show and rm keep their JSON contracts', async () => {
  const db = join(directory, 'manage.db');
  await ingest(exampleKnowledgeBasePath, '--db', db);
  const list = (await runCli(['kb', 'list', '--db', db, '--json'])).json() as {
    categories: Array<{ name: string; documents: number; chunks: number }>;
    documents: Array<Record<string, unknown>>;
    search: { vectors: number; method: string };
  };
  assert.equal(list.categories.length, 4);
  for (const category of list.categories)
    assert.deepEqual(Object.keys(category).sort(), ['chunks', 'documents', 'name', 'pages']);
  assert.equal(
    list.categories.reduce((sum, category) => sum + category.documents, 0),
    24,
  );
  assert.equal(list.documents.length, 24);
  assert.deepEqual(Object.keys(list.documents[0] ?? {}).sort(), [
    'category',
    'chunks',
    'ingestedAt',
    'pages',
    'source',
    'tags',
    'title',
  ]);
  // How chunks are searched: 24 short documents are far below the funnel and graph sizes.
  assert.deepEqual(list.search, {
    vectors: list.categories.reduce((sum, category) => sum + category.chunks, 0),
    method: 'exact',
  });
  assert.match((await runCli(['kb', 'list', '--db', db])).stdout, /Search: \d+ chunks, exact scan\./);
  const show = (await runCli(['kb', 'show', '--db', db, '--title', '年假规定', '--json'])).json() as {
    title: string;
    category: string;
    source: string;
    chunks: Array<{ position: number; tokens: number; text: string }>;
  };
  assert.equal(show.title, '年假规定');
  assert.match(show.category, /HR/);
  assert.match(show.source, /knowledge-base\.json#/);
  assert.equal(show.chunks[0]?.position, 0);
  assert.ok((show.chunks[0]?.tokens ?? 0) > 10);
  assert.match(show.chunks[0]?.text ?? '', /12天带薪年假/);
  const missing = await runCli(['kb', 'show', '--db', db, '--title', 'Nope']);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /No document titled "Nope"/);
  const removed = (await runCli(['kb', 'rm', '--db', db, '--title', '年假规定', '--json'])).json();
  assert.deepEqual(removed, { removed: 1 });
  const category = list.categories.find((entry) => /Office/.test(entry.name))?.name ?? '';
  assert.deepEqual((await runCli(['kb', 'rm', '--db', db, '--category', category, '--json'])).json(), { removed: 6 });
  const after = (await runCli(['kb', 'list', '--db', db, '--json'])).json() as { categories: unknown[] };
  assert.equal(after.categories.length, 3);
});

test('a knowledge base refuses another dimension (exit 2, names both, suggests reindex); reindex fixes it', async () => {
  const db = join(directory, 'stamp.db');
  await ingest(exampleKnowledgeBasePath, '--db', db);
  const mismatch = await runCli([
    'ask',
    '如何重置密码？',
    '--db',
    db,
    ...lexical,
    '--dimensions',
    '256',
    '--no-generate',
  ]);
  assert.equal(mismatch.exitCode, 2);
  assert.match(mismatch.stderr, /768 of 768 dimensions/);
  assert.match(mismatch.stderr, /256 of 768 dimensions/);
  assert.match(mismatch.stderr, /gemma-rag reindex --db/);
  const extend = await runCli(['ingest', exampleKnowledgeBasePath, '--db', db, ...lexical, '--dimensions', '256']);
  assert.equal(extend.exitCode, 2);
  const reindex = await runCli(['reindex', '--db', db, ...lexical, '--dimensions', '256', '--json']);
  assert.equal(reindex.exitCode, 0, reindex.stderr);
  assert.deepEqual((reindex.json() as { chunks: number }).chunks, 24);
  const answered = await runCli([
    'ask',
    '如何重置密码？',
    '--db',
    db,
    ...lexical,
    '--dimensions',
    '256',
    '--no-generate',
    '--json',
  ]);
  assert.equal(answered.exitCode, 0, answered.stderr);
});

test('hostile input: clear messages, and nothing stored is lost', async () => {
  const db = join(directory, 'hostile.db');
  await ingest(exampleKnowledgeBasePath, '--db', db);
  const missing = await runCli(['ingest', join(directory, 'no-such-folder'), '--db', db, ...lexical, '--prune']);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /no-such-folder/);

  const messy = join(directory, 'messy', 'Notes');
  await cp(join(exampleFolder, 'IT 与信息安全 · IT & Security · IT・情報セキュリティ'), messy, { recursive: true });
  await writeFile(join(messy, 'broken.md'), Buffer.from([0x23, 0x20, 0xff, 0xfe, 0x41]));
  await writeFile(join(messy, 'binary.txt'), Buffer.from('abc\u0000def'));
  await writeFile(join(messy, 'empty.txt'), '');
  await writeFile(join(messy, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  await writeFile(
    join(messy, 'records.jsonl'),
    '{"title":"Good","content":"Fine record."}\n{"title":"Bad"\n{"title":"","content":"x"}\n',
  );
  await symlink(tmpdir(), join(messy, 'outside'));
  const report = await ingest(join(directory, 'messy'), '--db', db);
  const reasons = Object.fromEntries(report.skipped.map((skipped) => [skipped.path.split('/').at(-1), skipped.reason]));
  assert.match(reasons['broken.md'] ?? '', /not valid UTF-8/);
  assert.match(reasons['binary.txt'] ?? '', /NUL/);
  assert.match(reasons['empty.txt'] ?? '', /empty/);
  assert.match(reasons['image.png'] ?? '', /unsupported file type/);
  assert.match(reasons.outside ?? '', /symbolic link/);
  assert.match(reasons['records.jsonl:2'] ?? '', /./);
  assert.match(reasons['records.jsonl:3'] ?? '', /title/);
  assert.equal(report.added, 7, 'six Markdown documents and one good JSONL record');
  const store = await SqliteKnowledgeBase.open(db);
  try {
    assert.equal((await store.listDocuments()).length, 31, 'the earlier 24 documents are all still there');
    assert.equal((await store.checkIntegrity()).integrityCheck, 'ok');
  } finally {
    await store.close();
  }
});

test('calibrated thresholds stored in a knowledge base are used, unless given on the command line', async () => {
  const db = join(directory, 'calibrated.db');
  await ingest(exampleKnowledgeBasePath, '--db', db);
  const store = await SqliteKnowledgeBase.open(db);
  // A record without a route predates routes: it was calibrated for two-stage, and only applies there.
  await store.writeSetting('thresholds', JSON.stringify({ category: 0.2, document: 0.3 }));
  await store.close();
  const stored = (
    await runCli(['ask', '如何重置密码？', '--db', db, ...lexical, '--mode', 'two-stage', '--no-generate', '--json'])
  ).json() as unknown as AskJson;
  assert.deepEqual(stored.thresholds, { category: 0.2, document: 0.3, support: null, source: null });
  const otherRoute = (
    await runCli(['ask', '如何重置密码？', '--db', db, ...lexical, '--no-generate', '--json'])
  ).json() as unknown as AskJson;
  assert.deepEqual(
    otherRoute.thresholds,
    { category: 0.05, document: 0.12, support: null, source: null },
    'the hybrid route keeps its defaults',
  );
  const explicit = (
    await runCli([
      'ask',
      '如何重置密码？',
      '--db',
      db,
      ...lexical,
      '--mode',
      'two-stage',
      '--no-generate',
      '--document-threshold',
      '0.1',
      '--json',
    ])
  ).json() as unknown as AskJson;
  assert.deepEqual(explicit.thresholds, { category: 0.2, document: 0.1, support: null, source: null });
});
