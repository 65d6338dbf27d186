import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildPdf } from '../fixtures/pdf-writer.js';
import { runCli } from '../fixtures/run-cli.js';
import { startCli } from '../fixtures/running-cli.js';
import { temporaryFolder, writeTree } from '../fixtures/temporary-files.js';
import { chromiumMissing, chromiumPath } from '../fixtures/text-images.js';

const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

test('web UI: a citation names the file and page, and opens the document at that chunk; the browser shows pages and dates', {
  skip: chromiumMissing,
}, async (t) => {
  const folder = await temporaryFolder(t);
  const filler = Array.from(
    { length: 30 },
    (_, index) => `Line ${index} of the general rules for visitors and parking.`,
  );
  await writeTree(folder, {
    'docs/Safety/handbook.pdf': buildPdf({
      title: 'Safety handbook',
      pages: [filler, filler, ['The fire assembly point is the north car park.', '火灾集合点在北停车场。']],
    }),
  });
  const db = join(folder, 'kb.db');
  const ingest = await runCli([
    'ingest',
    join(folder, 'docs'),
    '--db',
    db,
    '--engine',
    'lexical',
    '--chunk-tokens',
    '200',
  ]);
  assert.equal(ingest.exitCode, 0, ingest.stderr);
  const cli = startCli(t, ['serve', '--db', db, '--port', '0', '--engine', 'lexical', '--no-generate'], folder);
  const url = /at (http:\/\/\S+)/.exec((await cli.waitFor('stdout', (line) => / at http:/.test(line))).line)?.[1] ?? '';

  const profile = await mkdtemp(join(tmpdir(), 'gemma-rag-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    viewport: { width: 390, height: 844 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  t.after(async () => {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  });
  const page = await browser.newPage();
  await page.goto(url);
  const summary = page.getByTestId('category-summary').first();
  await summary.waitFor();
  assert.match((await summary.textContent()) ?? '', /^Safety \(1 document, \d+ chunks, 3 pages\)$/);
  assert.match(
    (await page.getByTestId('document-details').first().textContent()) ?? '',
    /3 pages · ingested \d{4}-\d\d-\d\d/,
  );

  await page.fill('#question', '火灾集合点在哪里？');
  await page.selectOption('#mode', 'flat');
  await page.click('#ask-button');
  const citation = page
    .getByTestId('citation')
    .filter({ hasText: /^handbook\.pdf pp?\. (2–)?3 · / })
    .first();
  await citation.waitFor();
  assert.match((await citation.textContent()) ?? '', /^handbook\.pdf pp?\. (2–)?3 · \d\.\d{3}$/);
  await citation.click();
  const cited = page.locator('.chunk.cited');
  await cited.waitFor();
  assert.match((await cited.textContent()) ?? '', /north car park/);
  assert.match((await cited.getByTestId('chunk-place').textContent()) ?? '', /^pp?\. (2–)?3$/);
  assert.equal(await cited.isVisible(), true);
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'web-ui-citation-place.png'), fullPage: true });
});
