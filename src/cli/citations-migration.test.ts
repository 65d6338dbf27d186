import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import Sqlite from 'better-sqlite3';
import { buildPdf } from '../../test/fixtures/pdf-writer.js';
import { runCli } from '../../test/fixtures/run-cli.js';
import { temporaryFolder, writeTree } from '../../test/fixtures/temporary-files.js';
import { loadPaths } from '../knowledge/loaders/read-source.js';
import type { AskJson } from '../presentation/ask-json.js';

const lexical = ['--engine', 'lexical'];

test('a knowledge base from before locations keeps answering, and re-ingest fills in pages and headings', async (t) => {
  const folder = await temporaryFolder(t);
  const docs = join(folder, 'docs');
  await writeTree(docs, {
    'HR/handbook.md':
      '# Handbook\n\nWelcome.\n\n## 3 Leave\n\n### 3.2 Annual leave\n\nAnnual leave is twelve days a year.\n',
    'HR/fire.pdf': buildPdf({ pages: [['Parking rules.'], ['The fire assembly point is the north car park.']] }),
  });
  const db = join(folder, 'old.db');
  assert.equal((await runCli(['ingest', docs, '--db', db, ...lexical])).exitCode, 0);

  // Turn it into what an earlier gemma-rag wrote: schema 3, no location, page or tag columns, and
  // content hashes computed without sections.
  const old = new Sqlite(db);
  // The text is what the loaders gave before sections too, so only the hash's new parts differ.
  const { documents } = await loadPaths([docs]);
  for (const document of documents) {
    const hash = createHash('sha256')
      .update(JSON.stringify([document.category, document.title, document.content, null, null]))
      .digest('hex');
    old.prepare('UPDATE documents SET content_hash = ? WHERE source = ?').run(hash, document.source);
  }
  old.exec(
    'ALTER TABLE chunks DROP COLUMN location; ALTER TABLE documents DROP COLUMN pages; ALTER TABLE documents DROP COLUMN tags; PRAGMA user_version = 3;',
  );
  old.close();

  const ask = async (question: string) => {
    const run = await runCli(['ask', question, '--db', db, ...lexical, '--mode', 'flat', '--no-generate', '--json']);
    assert.equal(run.exitCode, 0, run.stderr);
    return (run.json() as unknown as AskJson).citations.sort((left, right) => right.score - left.score)[0];
  };
  const before = await ask('Where is the fire assembly point?');
  assert.match(before?.chunk ?? '', /north car park/);
  assert.equal(before?.location, null);
  assert.equal(before?.cite, 'fire.pdf');
  const listed = (await runCli(['kb', 'list', '--db', db, '--json'])).json() as {
    categories: Array<{ pages: number }>;
  };
  assert.equal(listed.categories[0]?.pages, 0);

  const reingest = await runCli(['ingest', docs, '--db', db, ...lexical, '--json']);
  assert.equal((reingest.json() as { updated: number }).updated, 2, 'both documents are rewritten once, with places');
  const after = await ask('Where is the fire assembly point?');
  assert.match(after?.cite ?? '', /^fire\.pdf pp?\. (1–)?2$/);
  const annual = await ask('How many days of annual leave?');
  assert.equal(annual?.cite, 'handbook.md · Handbook › 3 Leave › 3.2 Annual leave');
  const again = await runCli(['ingest', docs, '--db', db, ...lexical, '--json']);
  assert.equal((again.json() as { unchanged: number }).unchanged, 2, 'and only once');
});
