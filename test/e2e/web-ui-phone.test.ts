import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchChromium, type TestBrowser } from '../fixtures/chromium.js';
import { startTestServer, type TestServer } from '../fixtures/test-server.js';
import { chromiumMissing } from '../fixtures/text-images.js';

// The README says the web UI works on a phone: at 390 px (an iPhone's width) every control of the
// ask form must be on screen and usable, and a thread keeps each turn's citations.
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const skip = chromiumMissing;
const phone = { width: 390, height: 844 };

let server: TestServer;
let chromium: TestBrowser;

before(async () => {
  if (skip) return;
  server = await startTestServer();
  chromium = await launchChromium(phone);
});

after(async () => {
  await chromium?.close();
  await server?.close();
});

test('web UI at 390 px: the controls wrap, Ask is visible and clickable; earlier turns keep their citation chips', {
  skip,
}, async () => {
  const page = await chromium.context.newPage();
  await page.goto(server.url);
  await page.getByTestId('category-summary').first().waitFor();

  const controls = await page.locator('.controls').boundingBox();
  assert.ok(controls && controls.x + controls.width <= phone.width, `controls fit: ${JSON.stringify(controls)}`);
  for (const selector of ['#mode', '#filter-category', '#filter-tag', '#filter-document', '#ask-button']) {
    const box = await page.locator(selector).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= phone.width, `${selector} on screen: ${JSON.stringify(box)}`);
  }
  const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(pageWidth <= phone.width, `no sideways scrolling (${pageWidth} px)`);

  await page.fill('#question', '年假有几天？');
  const ask = page.locator('#ask-button');
  assert.equal(await ask.isVisible(), true);
  // A real click at the button's centre: fails if it is off screen or covered.
  await ask.click({ trial: false });
  await page.getByTestId('citation').first().waitFor();
  const firstCitation = (await page.getByTestId('citation').first().textContent()) ?? '';
  assert.match(firstCitation, /年假规定|年次有給休暇|Annual leave/);

  await page.fill('#question', 'How do I reset my password?');
  await ask.click();
  await page.getByTestId('turn').first().waitFor();
  await page.locator('#citations [data-testid="citation"]').first().waitFor();
  const kept = page.getByTestId('turn').first().getByTestId('citation');
  assert.ok((await kept.count()) > 0, 'the earlier turn still shows its citations');
  assert.equal(await kept.first().textContent(), firstCitation);
  await kept.first().click();
  await page.locator('.chunk.cited').waitFor();
  assert.match((await page.locator('#source-title').textContent()) ?? '', /年假规定|年次有給休暇|Annual leave/);

  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'web-ui-390px.png'), fullPage: true });
});

test('web UI: a refusal names the highest cosine as the best, as the CLI does', { skip }, async () => {
  const page = await chromium.context.newPage();
  await page.goto(server.url);
  await page.getByTestId('category-summary').first().waitFor();
  // Found by search: its fused first document (a keyword hit) is not its highest cosine.
  await page.fill('#question', 'football badge');
  await page.click('#ask-button');
  await page.locator('#answer[data-refused="true"]').waitFor();
  const stage = (await page.getByTestId('stage-document').textContent()) ?? '';
  const shown = Number(/(\d\.\d{3})$/.exec(stage)?.[1]);
  const documentScores = await page
    .locator('#scores tr')
    .filter({ hasText: /^document/ })
    .locator('td.number')
    .allTextContents();
  assert.ok(documentScores.length > 1, 'several documents were scored');
  assert.equal(shown, Math.max(...documentScores.map(Number)), stage);
});
