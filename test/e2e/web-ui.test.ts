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

/** A page with the server's key already typed in, once the knowledge base has loaded. */
async function openSignedIn() {
  const page = await browser.newPage();
  await page.addInitScript(() => localStorage.setItem('gemma-rag-api-key', 'secret'));
  await page.goto(server.url);
  await page.getByText('账户密码重置').first().waitFor();
  return page;
}

test('the key typed in is kept for this tab only, unless "remember" is ticked', { skip }, async () => {
  const signIn = async (remember: boolean) => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/healthz`);
    await page.evaluate(() => {
      localStorage.clear();
      sessionStorage.clear();
    });
    await page.goto(server.url);
    await page.locator('#key-dialog[open]').waitFor();
    await page.fill('#api-key', 'secret');
    if (remember) await page.check('#remember-key');
    await page.click('#key-dialog button');
    await page.getByText('账户密码重置').first().waitFor();
    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem('gemma-rag-api-key'),
      local: localStorage.getItem('gemma-rag-api-key'),
    }));
    await page.close();
    return stored;
  };
  assert.deepEqual(await signIn(false), { session: 'secret', local: null });
  assert.deepEqual(await signIn(true), { session: null, local: 'secret' });
});

test('ask in the page: streamed answer, stages, a citation that opens its source; then a refusal', {
  skip,
}, async () => {
  const page = await openSignedIn();
  // The seed's route shows both stages (the page's default is the hybrid route).
  await page.selectOption('#mode', 'two-stage');

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

test('filters: the category, tag and document controls go into the request and limit the answer', {
  skip,
}, async () => {
  const page = await openSignedIn();
  assert.equal(await page.inputValue('#mode'), 'hybrid', 'the default route');
  const finance = '财务与报销 · Finance & Expenses · 経理・経費精算';
  await page.selectOption('#filter-category', finance);
  // The page asks through the knowledge base's own route (/api/kb/{name}/ask) when it has one.
  const sent = page.waitForRequest((request) => /\/api\/(kb\/[^/]+\/)?ask$/.test(request.url()));
  await page.fill('#question', '如何重置密码？');
  await page.click('#ask-button');
  const body = JSON.parse((await sent).postData() ?? '{}');
  assert.deepEqual(body.categories, [finance]);
  assert.equal(body.tags, undefined);
  await page.locator('#answer[data-refused="true"], [data-testid="stage-document"]').first().waitFor();
  const shown = (await page.getByTestId('stage-document').allTextContents()).join(' ');
  assert.doesNotMatch(shown, /账户密码重置/, 'the password document lies outside the filter');
  await page.screenshot({ path: join(artifacts, 'web-ui-filter.png'), fullPage: true });

  // A tag nobody has: the server says so in words, and the page shows it.
  await page.selectOption('#filter-category', '');
  await page.fill('#filter-tag', 'no-such-tag');
  await page.fill('#question', '如何重置密码？');
  await page.click('#ask-button');
  await page.locator('#error').waitFor({ state: 'visible' });
  assert.match((await page.locator('#error').textContent()) ?? '', /no tag "no-such-tag"/);
  await page.close();
});
