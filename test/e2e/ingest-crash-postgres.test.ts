import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { killIngestRepeatedly, writeCrashCorpus } from '../fixtures/ingest-crash.js';
import { freshSchema, postgresTargets } from '../fixtures/test-postgres.js';

// The SQLite crash test's checks on PostgreSQL: a killed connection's transaction is rolled
// back by the server, so each document is there whole or not at all.
const kills = 4;
let corpus: Awaited<ReturnType<typeof writeCrashCorpus>>;

before(async () => {
  corpus = await writeCrashCorpus();
});
after(async () => {
  await corpus.remove();
});

for (const target of postgresTargets()) {
  test(`${target.name}: SIGKILL during ingest ${kills} times: never half a document, and a re-run completes exactly`, async () => {
    const location = freshSchema(target.url, 'crash');
    assert.ok(location.kind === 'postgres');
    await killIngestRepeatedly({ db: `${target.url}?schema=${location.schema}`, ...corpus, kills });
  });
}
