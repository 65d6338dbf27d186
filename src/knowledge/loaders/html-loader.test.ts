import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { test } from 'node:test';
import { temporaryFolder, writeTree } from '../../../test/fixtures/temporary-files.js';
import { htmlNestingDepth } from './html-depth.js';
import { htmlLoader } from './html-loader.js';
import { loadPaths } from './read-source.js';

const chinesePage = `<!doctype html>
<html><head><title>年假制度 - 公司内网</title>
<style>body { color: red } .secret::after { content: "STYLE-TEXT" }</style>
<script>window.tracking = "SCRIPT-TEXT";</script></head>
<body>
<nav><a href="/">首页</a> | <a href="/hr">人事</a> | <a href="/it">IT支持</a></nav>
<article>
  <h1>年假制度</h1>
  <p>员工入职满一年后，每年享有十二天带薪年假，可以分次使用，但每次不少于半天。</p>
  <p>年假需要提前三个工作日在系统中申请，经直属主管批准后生效。未使用的年假可以结转到下一年第一季度。</p>
</article>
<footer>版权所有 © 2024 公司 · 隐私政策 · 联系我们</footer>
<script>document.write("MORE-SCRIPT")</script>
</body></html>`;

const japanesePage = `<html><head><title>有給休暇について</title></head><body>
<header><ul><li><a href="/">ホーム</a></li><li><a href="/news">お知らせ</a></li></ul></header>
<main><h1>有給休暇</h1>
<p>入社後六か月が経過した社員には、十日間の年次有給休暇が付与されます。</p>
<p>申請は三営業日前までに、社内システムから行ってください。</p></main>
<noscript>NOSCRIPT-TEXT</noscript></body></html>`;

const englishPage = `<html><head><title>VPN setup | IT Help</title></head><body>
<div class="sidebar"><a href="/links">Useful links</a></div>
<div id="content"><h2>Connecting to the VPN</h2>
<p>Install the client from the software portal, then sign in with your company account, and approve the push notification on your phone.</p>
<p>If the connection drops, restart the client, and check that your clock is correct, because certificates depend on it.</p>
<table><tr><th>Port</th><th>Use</th></tr><tr><td>443</td><td>tunnel</td></tr></table>
</div></body></html>`;

test('HTML: readable text of the main content, in Chinese, Japanese and English, without scripts or navigation', async (t) => {
  const folder = await temporaryFolder(t);
  await writeTree(folder, { 'zh.html': chinesePage, 'ja.htm': japanesePage, 'en.HTML': englishPage });
  const { documents, skipped } = await loadPaths([folder]);
  assert.deepEqual(skipped, []);
  const byFile = new Map(documents.map((document) => [basename(document.source), document]));

  const chinese = byFile.get('zh.html');
  assert.equal(chinese?.title, '年假制度 - 公司内网');
  assert.match(chinese?.content ?? '', /^年假制度\n\n员工入职满一年后，每年享有十二天带薪年假/);
  assert.match(chinese?.content ?? '', /。\n\n年假需要提前三个工作日/);
  assert.doesNotMatch(chinese?.content ?? '', /首页|IT支持|版权所有|SCRIPT-TEXT|MORE-SCRIPT|STYLE-TEXT/);

  const japanese = byFile.get('ja.htm');
  assert.equal(japanese?.title, '有給休暇について');
  assert.match(japanese?.content ?? '', /十日間の年次有給休暇が付与されます。/);
  assert.doesNotMatch(japanese?.content ?? '', /ホーム|お知らせ|NOSCRIPT-TEXT/);

  const english = byFile.get('en.HTML');
  assert.equal(english?.title, 'VPN setup | IT Help');
  assert.match(english?.content ?? '', /^Connecting to the VPN\n\nInstall the client/);
  assert.match(english?.content ?? '', /Port/, 'headings and table headers keep their case');
  assert.doesNotMatch(english?.content ?? '', /Useful links|\[\/links\]/);
});

test('HTML: a fragment without html, head or title falls back to all its text, titled from its heading or file name', async () => {
  const load = (path: string, text: string) =>
    htmlLoader.load({ path, text, bytes: new Uint8Array(), defaultCategory: 'web' });

  const withHeading = await load(
    '/kb/web/snippet.html',
    '<h1>打印机</h1><p>每层楼都有打印机。<script>x()</script></p>',
  );
  assert.equal(withHeading.documents[0]?.title, '打印机');
  assert.equal(withHeading.documents[0]?.content, '打印机\n\n每层楼都有打印机。');
  assert.equal(withHeading.documents[0]?.category, 'web');

  const bare = await load('/kb/web/お知らせ.html', '<p>本日は<b>休業日</b>です。</p>');
  assert.equal(bare.documents[0]?.title, 'お知らせ');
  assert.equal(bare.documents[0]?.content, '本日は休業日です。');
});

test('HTML: a page that is only scripts has no text and is reported, not indexed', async (t) => {
  const folder = await temporaryFolder(t);
  await writeTree(folder, {
    'app.html': '<html><head><title>App</title></head><body><script>render()</script></body></html>',
  });
  const { documents, skipped } = await loadPaths([folder]);
  assert.deepEqual(documents, []);
  assert.equal(skipped.length, 1);
  assert.match(skipped[0]?.reason ?? '', /^no text content/);
});

const load = (text: string) =>
  htmlLoader.load({ path: '/kb/deep.html', text, bytes: new Uint8Array(), defaultCategory: 'web' });
const nested = (depth: number, inner: string) =>
  `<html><body>${'<div>'.repeat(depth)}${inner}${'</div>'.repeat(depth)}</body></html>`;

test('a page nested 20,000 levels deep is skipped with the reason at once (it took 50 s to overflow the stack)', async () => {
  const started = performance.now();
  const result = await load(nested(20_000, 'deep text'));
  console.log(`20,000-deep HTML refused in ${(performance.now() - started).toFixed(0)} ms`);
  assert.deepEqual(result.documents, []);
  assert.match(result.skipped[0]?.reason ?? '', /nested more than 512 levels/);
});

test('a page nested a few hundred levels deep is read without Readability, its text kept', async () => {
  const started = performance.now();
  const result = await load(nested(400, '<p>The VPN needs the company certificate.</p>'));
  console.log(`400-deep HTML read in ${(performance.now() - started).toFixed(0)} ms`);
  assert.match(result.documents[0]?.content ?? '', /company certificate/);
});

test('nesting depth counts real nesting: unclosed <p>s, void elements and tags inside scripts do not deepen it', () => {
  assert.equal(htmlNestingDepth(nested(7, 'x')), 7);
  assert.equal(htmlNestingDepth(`<div>${'<p>para '.repeat(5000)}<br><img src=x><hr></div>`), 1);
  assert.equal(htmlNestingDepth(`<script>const s = "${'<div>'.repeat(5000)}";</script><div></div>`), 1);
  assert.equal(htmlNestingDepth(`<!-- ${'<div>'.repeat(5000)} --><span></span>`), 1);
  assert.equal(htmlNestingDepth(nested(10_000, 'x'), 100), 101, 'counting stops past the bound');
});
