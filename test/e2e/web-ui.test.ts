import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { launchChromium, type TestBrowser } from '../fixtures/chromium.js';
import { startTestServer, type TestServer } from '../fixtures/test-server.js';
import { chromiumMissing } from '../fixtures/text-images.js';

// The web UI in real headless Chromium (Debian's, installed by .ci/run).
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const skip = chromiumMissing;
let server: TestServer;
let chromium: TestBrowser;
let browser: BrowserContext;

before(async () => {
  if (skip) return;
  server = await startTestServer({ app: { apiKey: 'secret' } });
  chromium = await launchChromium({ width: 390, height: 844 });
  browser = chromium.context;
  await mkdir(artifacts, { recursive: true });
});

after(async () => {
  await chromium?.close();
  await server?.close();
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
