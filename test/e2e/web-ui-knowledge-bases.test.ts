import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { launchChromium, type TestBrowser } from '../fixtures/chromium.js';
import { startKeyedTestServer } from '../fixtures/test-server.js';
import { chromiumMissing } from '../fixtures/text-images.js';

// The web UI over two knowledge bases: the key typed in decides which ones the page offers.
const skip = chromiumMissing;
const keys = { team: 'team-key', hr: 'hr-key', admin: 'admin-key' };
const titles = { team: 'Deploy schedule', hr: 'Salary bands' };
let folder: string;
let url: string;
let close: () => Promise<void>;
let chromium: TestBrowser;
let browser: BrowserContext;

before(async () => {
  if (skip) return;
  folder = await mkdtemp(join(tmpdir(), 'gemma-rag-web-kbs-'));
  const documentOf = (name: 'team' | 'hr', content: string) => ({
    category: 'General',
    title: titles[name],
    content,
    source: name,
  });
  ({ url, close } = await startKeyedTestServer(
    folder,
    {
      team: documentOf('team', 'Deploys run every Tuesday.'),
      hr: documentOf('hr', 'Salary bands are reviewed in March.'),
    },
    keys,
  ));
  chromium = await launchChromium({ width: 1024, height: 768 });
  browser = chromium.context;
});

after(async () => {
  await chromium?.close();
  await close?.();
  if (folder) await rm(folder, { recursive: true, force: true });
});

test('a key for one knowledge base sees only it, without a selector; it asks there', { skip }, async () => {
  const page = await browser.newPage();
  await page.goto(url);
  // The page asks for a key; the one typed in is the one sent.
  await page.locator('#key-dialog[open]').waitFor();
  await page.fill('#api-key', keys.hr);
  await page.click('#key-dialog button');
  await page.getByText(titles.hr).first().waitFor();
  assert.equal(await page.locator('#kb-choice').isHidden(), true);
  assert.equal(await page.getByText(titles.team).count(), 0);
  // Flat retrieval: a one-document category's vector knows little more than its name.
  await page.selectOption('#mode', 'hybrid');
  await page.fill('#question', 'Salary bands are reviewed in March.');
  await page.click('#ask-button');
  await page.locator('#answer[data-refused="false"]').waitFor();
  assert.match((await page.getByTestId('stage-document').textContent()) ?? '', /Salary bands/);
  await page.close();
});

test('the admin key gets a selector over both; choosing one lists and asks it', { skip }, async () => {
  const page = await browser.newPage();
  await page.addInitScript((key) => localStorage.setItem('gemma-rag-api-key', key), keys.admin);
  await page.goto(url);
  await page.locator('#kb-choice').waitFor();
  const options = await page
    .locator('#kb-select option')
    .evaluateAll((nodes) => nodes.map((node) => (node as HTMLOptionElement).value));
  assert.deepEqual(options, ['team', 'hr']);
  await page.getByText(titles.team).first().waitFor();
  await page.selectOption('#kb-select', 'hr');
  await page.getByText(titles.hr).first().waitFor();
  assert.equal(await page.locator('#kb').getByText(titles.team).count(), 0);
  await page.fill('#question', 'When are deploys?');
  await page.click('#ask-button');
  // The answer comes from hr, which holds nothing of the team's.
  await page.locator('#answer[data-refused]').waitFor();
  assert.doesNotMatch((await page.locator('#result').textContent()) ?? '', /Deploy schedule/);
  // Switching the key to the team's narrows the page to the team's knowledge base.
  await page.click('#change-key');
  await page.fill('#api-key', keys.team);
  await page.click('#key-dialog button');
  await page.locator('#kb-choice').waitFor({ state: 'hidden' });
  await page.getByText(titles.team).first().waitFor();
  await page.close();
});
