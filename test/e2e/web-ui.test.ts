import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/test-server.js';

// The web UI in real headless Chromium (Debian's, installed by .ci/run). Flags keep it off
// the closed network; a fresh profile keeps runs independent.
const executablePath = '/usr/bin/chromium';
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const skip = existsSync(executablePath)
  ? false
  : `${executablePath} is not installed (apt-get install chromium; .ci/run does it)`;
let server: TestServer;
let browser: BrowserContext;
let profile: string;

before(async () => {
  if (skip) return;
  server = await startTestServer({ app: { apiKey: 'secret' } });
  profile = await mkdtemp(join(tmpdir(), 'gemma-rag-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    viewport: { width: 390, height: 844 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  await mkdir(artifacts, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

test('ask in the page: streamed answer, stages, a citation that opens its source; then a refusal', {
  skip,
}, async () => {
  const page = await browser.newPage();
  await page.addInitScript(() => localStorage.setItem('gemma-rag-api-key', 'secret'));
  await page.goto(server.url);
  await page.getByText('账户密码重置').first().waitFor();

  await page.fill('#question', '如何重置密码？');
  await page.click('#ask-button');
  await page.getByTestId('stage-document').filter({ hasText: '账户密码重置' }).waitFor();
  assert.match((await page.getByTestId('stage-category').textContent()) ?? '', /IT 与信息安全/);
  assert.match((await page.locator('#answer').textContent()) ?? '', /password\.example\.com/);
  assert.equal(await page.locator('#not-found').isHidden(), true);
  await page.getByTestId('citation').first().click();
  await page.getByTestId('source-chunk').first().waitFor();
  assert.match((await page.locator('#source-title').textContent()) ?? '', /账户密码重置/);
  assert.match((await page.locator('.chunk.cited').textContent()) ?? '', /自助服务门户/);
  await page.screenshot({ path: join(artifacts, 'web-ui-answer.png'), fullPage: true });

  // A new thread: otherwise, without a language model, this question would be joined to the last one.
  await page.click('#new-thread');
  await page.fill('#question', '今天天气怎么样？');
  await page.click('#ask-button');
  await page.locator('#answer[data-refused="true"]').waitFor();
  assert.equal(await page.locator('#not-found').isVisible(), true);
  assert.match((await page.locator('#answer').textContent()) ?? '', /没有找到/);
  await page.screenshot({ path: join(artifacts, 'web-ui-refusal.png'), fullPage: true });

  await page.fill('#question', 'パスワードを忘れました');
  await page.click('#ask-button');
  await page.getByTestId('stage-document').filter({ hasText: 'パスワードの再設定' }).waitFor();
  await page.close();
});
