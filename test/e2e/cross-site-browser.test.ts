import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { launchChromium, type TestBrowser } from '../fixtures/chromium.js';
import { startTestServer, type TestServer } from '../fixtures/test-server.js';
import { chromiumMissing } from '../fixtures/text-images.js';

// A keyless `serve` on loopback, attacked by real Chromium as issue 21 found it attacked:
// from a page on another origin with "simple" no-cors requests, and through a name that
// resolves to 127.0.0.1 (DNS rebinding, played by Chromium's host resolver rules).
const skip = chromiumMissing;
let server: TestServer;
let attacker: Server;
let attackerPort: number;
let chromium: TestBrowser;

before(async () => {
  if (skip) return;
  server = await startTestServer();
  attacker = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>attacker</title><p>nothing to see</p>');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
  chromium = await launchChromium({ width: 800, height: 600 }, [
    '--host-resolver-rules=MAP rebind.attacker.test 127.0.0.1',
  ]);
});

after(async () => {
  await chromium?.close();
  await new Promise((resolve) => attacker?.close(resolve));
  await server?.close();
});

async function documentTitles(): Promise<string[]> {
  const listing = (await (await fetch(`${server.url}/api/kb`)).json()) as {
    categories: Array<{ items: Array<{ title: string }> }>;
  };
  return listing.categories.flatMap(({ items }) => items.map(({ title }) => title));
}

for (const [where, pageHost] of [
  ['another site (localhost)', 'localhost'],
  ['another port of the same address (same-site)', '127.0.0.1'],
] as const) {
  test(`a page on ${where} cannot plant a document or upload with no-cors requests`, { skip }, async () => {
    const page = await chromium.context.newPage();
    await page.goto(`http://${pageHost}:${attackerPort}/`);
    const target = server.url;
    // A string, not a function: the test's compiler would add helpers the page does not have.
    const planted = JSON.stringify({
      category: 'IT',
      title: 'Planted VPN note',
      content: 'The VPN password is hunter2.',
    });
    await page.evaluate(`Promise.all([
      fetch(${JSON.stringify(`${target}/api/documents`)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(planted)} }).catch(() => undefined),
      fetch(${JSON.stringify(`${target}/api/upload?name=planted-leave.md`)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '# Planted leave\\nAnnual leave is 90 days.' }).catch(() => undefined),
    ])`);
    await page.close();
    const titles = await documentTitles();
    assert.ok(!titles.some((title) => title.startsWith('Planted')), `planted: ${titles.join(', ')}`);
  });
}

test('a rebound name (rebind.attacker.test → 127.0.0.1) gets 421 for the API and the web UI', { skip }, async () => {
  const port = new URL(server.url).port;
  const page = await chromium.context.newPage();
  for (const path of ['/api/kb', '/']) {
    const response = await page.goto(`http://rebind.attacker.test:${port}${path}`);
    assert.equal(response?.status(), 421, `${path}: ${await response?.text()}`);
  }
  // The same server by its own address still answers the page.
  assert.equal((await page.goto(`${server.url}/`))?.status(), 200);
  await page.close();
});
