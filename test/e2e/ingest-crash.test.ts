import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { killIngestRepeatedly, writeCrashCorpus } from '../fixtures/ingest-crash.js';

const kills = 10;
let corpus: Awaited<ReturnType<typeof writeCrashCorpus>>;

before(async () => {
  corpus = await writeCrashCorpus();
});
after(async () => {
  await corpus.remove();
});

test(`SIGKILL during ingest ${kills} times: never corrupt, never half a document, and a re-run completes exactly`, async () => {
  await killIngestRepeatedly({ db: join(corpus.home, '..', 'killed.db'), ...corpus, kills });
});
