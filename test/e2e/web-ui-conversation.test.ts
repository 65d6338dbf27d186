import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { launchChromium, type TestBrowser } from '../fixtures/chromium.js';
import { FakeModelServer } from '../fixtures/fake-model-server.js';
import { startTestServer, type TestServer } from '../fixtures/test-server.js';
import { chromiumMissing } from '../fixtures/text-images.js';

// The finished web UI in headless Chromium: a conversation thread with follow-ups, answers as
// sanitized Markdown (a hostile answer runs nothing), copy, keyboard, drag-and-drop upload into
// the knowledge base, dark mode. The language model is scripted behind a local OpenAI-compatible
// server; retrieval is the lexical stand-in on the example knowledge base.
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const skip = chromiumMissing;

const policyLink = 'https://example.com/policy';
const hostileMarkdown = [
  '**Annual leave**: 12 days in the first year.',
  '',
  '- usable after probation',
  '- see the [policy](https://example.com/policy)',
  '',
  // No digits in the payload: numbers its documents do not state would get the answer withdrawn.
  '<script>window.__pwned = "script"</script><img src="x" onerror="window.__pwned = \'img\'"> [click](javascript:window.__pwned="link")',
  '',
  '<div class="error" style="border: thick solid red" id="key-dialog">Your session expired: re-enter your API key at the link above.</div>',
].join('\n');

let models: FakeModelServer;
let server: TestServer;
let chromium: TestBrowser;
let browser: BrowserContext;

before(async () => {
  if (skip) return;
  models = await FakeModelServer.start({
    replyFor: (messages) => {
      const last = messages.at(-1)?.content ?? '';
      const followUp = /FOLLOW-UP QUESTION: (.*)$/s.exec(last)?.[1];
      if (followUp !== undefined)
        return followUp === 'and for interns?' ? 'How many days of annual leave do interns get?' : followUp;
      // The hostile answer goes to the question that quotes its link: an answer's links must be in
      // its documents or its question, or the grounding check withdraws it (answer-grounding.ts).
      return last.includes(policyLink) ? hostileMarkdown : 'The document answers this.';
    },
  });
  server = await startTestServer({
    config: {
      engine: 'lexical',
      generationEngine: 'openai-compatible',
      generationBaseUrl: models.baseUrl,
      generationModel: 'gemma3:4b',
    },
    generate: true,
  });
  chromium = await launchChromium({ width: 900, height: 1000 });
  browser = chromium.context;
  await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await mkdir(artifacts, { recursive: true });
});

after(async () => {
  await chromium?.close();
  await server?.close();
  await models?.close();
});

async function askInPage(page: import('playwright-core').Page, question: string) {
  await page.fill('#question', question);
  await page.press('#question', 'Enter');
  await page.locator('#answer[data-refused]').waitFor();
}

test('a conversation: Markdown answers sanitized, a follow-up understood, copy, new thread', { skip }, async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.getByText('账户密码重置').first().waitFor();

  await askInPage(page, `How many days of annual leave do I get? (policy: ${policyLink})`);
  assert.equal(await page.locator('#answer strong').textContent(), 'Annual leave');
  assert.equal(await page.locator('#answer li').count(), 2);
  const link = page.locator('#answer a[href="https://example.com/policy"]');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer nofollow');
  // A link to another site is marked as one, in words; the answer borrows no look or id of the app's.
  assert.equal(await link.getAttribute('data-external'), 'true');
  assert.match((await link.textContent()) ?? '', /\(external link: example\.com\)$/);
  assert.equal(await page.locator('#answer .error, #answer [style], #answer [id]').count(), 0);
  assert.match((await page.locator('#answer').textContent()) ?? '', /Your session expired/);
  assert.equal(await page.locator('#answer script, #answer img[onerror], #answer a[href^="javascript"]').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);

  await page.click('#copy-answer');
  await page.getByText('Copied').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), hostileMarkdown);

  await askInPage(page, 'and for interns?');
  assert.equal(
    await page.getByTestId('stage-condensed').textContent(),
    'Understood as: How many days of annual leave do interns get?',
  );
  assert.equal(await page.getByTestId('turn').count(), 1, 'the first turn moved up into the thread');
  assert.match((await page.getByTestId('turn').textContent()) ?? '', /How many days of annual leave do I get\?/);
  const condense = models.requests.findLast((request) => JSON.stringify(request.body).includes('FOLLOW-UP QUESTION'));
  assert.match(
    JSON.stringify(condense?.body),
    /User: How many days of annual leave do I get\? \(policy: https:\/\/example\.com\/policy\)\\nAssistant: \*\*Annual leave\*\*/,
  );
  await page.screenshot({ path: join(artifacts, 'web-ui-thread.png'), fullPage: true });

  await page.keyboard.press('Alt+N');
  assert.equal(await page.getByTestId('turn').count(), 0);
  assert.equal(await page.locator('#result').isHidden(), true);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'question');
  await askInPage(page, 'and for interns?');
  assert.equal(await page.getByTestId('stage-condensed').count(), 0, 'a new thread has no history');
  assert.equal(await page.locator('#answer').getAttribute('data-refused'), 'true');
  await page.close();
});

test('keyboard: / focuses the question, Enter asks, Escape closes the source', { skip }, async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.getByText('账户密码重置').first().waitFor();
  await page.locator('h1').click();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'question');
  await page.keyboard.type('如何重置密码？');
  await page.keyboard.press('Enter');
  await page.getByTestId('citation').first().waitFor();
  await page.getByTestId('citation').first().focus();
  await page.keyboard.press('Enter');
  await page.locator('#source:not([hidden])').waitFor();
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#source').isHidden(), true);
  await page.close();
});

test('drag and drop a document: uploaded with progress, ingested, then found; CJK intact; dark mode', {
  skip,
}, async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.getByText('账户密码重置').first().waitFor();
  await page.fill('#upload-category', '人事与休假 · HR & Leave · 人事・休暇');
  const drop = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    const text =
      '# 实习生休假\n\n实习生每月有一天带薪假，インターンは月に1日の有給休暇があります。Interns get one paid day off a month.';
    transfer.items.add(new File([text], '实习生休假.md', { type: 'text/markdown' }));
    return transfer;
  });
  await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: drop });
  await page
    .getByTestId('upload-status')
    .filter({ hasText: /added · 1 document · \d+ chunks embedded/ })
    .waitFor();
  assert.equal(await page.locator('#uploads progress').evaluate((bar) => (bar as HTMLProgressElement).value), 1);
  await page.locator('#kb').getByText('实习生休假').waitFor();

  await page.click('#new-thread');
  await page.selectOption('#mode', 'hybrid');
  await askInPage(page, '实习生每月有几天带薪假？');
  assert.match((await page.getByTestId('citation').first().textContent()) ?? '', /实习生休假/);
  await page.screenshot({ path: join(artifacts, 'web-ui-upload-cjk.png'), fullPage: true });

  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(
    await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
    'rgb(13, 17, 23)',
  );
  await page.screenshot({ path: join(artifacts, 'web-ui-dark.png'), fullPage: true });
  await page.close();
});
