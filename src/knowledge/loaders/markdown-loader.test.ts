import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { temporaryFolder, writeTree } from '../../../test/fixtures/temporary-files.js';
import type { LoadedDocument } from '../../spec/document-loader.js';
import { markdownLoader } from './markdown-loader.js';
import { loadPaths } from './read-source.js';

const byFileName = (documents: readonly LoadedDocument[]) =>
  new Map(documents.map((document) => [basename(document.source), document]));

test('Markdown: title from front matter, else the first # heading, else the file name', async (t) => {
  const folder = await temporaryFolder(t);
  await writeTree(folder, {
    '人事/annual-leave.md':
      '---\ntitle: 年假制度\ncategory: 人事制度\n---\n# 别的标题\n\n员工每年享有**十二天**带薪年假。\n',
    '総務/yukyu.markdown': '# 有給休暇について #\n\n入社六か月後に十日間の有給休暇が付与されます。\n',
    'IT/VPN setup.MD':
      'Install the client, then sign in with your company account.\n\n## Troubleshooting\n\nRestart it.\n',
    'IT/fenced.md': '```bash\n# not a heading, a shell comment\nvpn connect\n```\n\n# Real heading\n\nText.',
    'IT/year.md': '---\ntitle: 2024\n---\nNumbers are titles too.',
  });
  const { documents, skipped } = await loadPaths([folder]);
  assert.deepEqual(skipped, []);
  const files = byFileName(documents);

  const leave = files.get('annual-leave.md');
  assert.equal(leave?.title, '年假制度');
  assert.equal(leave?.category, '人事制度');
  assert.equal(leave?.content, '# 别的标题\n\n员工每年享有**十二天**带薪年假。');
  assert.equal(leave?.source, join(folder, '人事/annual-leave.md'));

  const yukyu = files.get('yukyu.markdown');
  assert.equal(yukyu?.title, '有給休暇について');
  assert.equal(yukyu?.category, '総務');

  const vpn = files.get('VPN setup.MD');
  assert.equal(vpn?.title, 'VPN setup');
  assert.equal(vpn?.category, 'IT');
  assert.match(vpn?.content ?? '', /## Troubleshooting\n\nRestart it\.$/);

  assert.equal(files.get('fenced.md')?.title, 'Real heading');
  assert.equal(files.get('year.md')?.title, '2024');
});

test('Markdown: broken front matter still loads, titled from the heading or the file name', async () => {
  const load = (path: string, text: string) =>
    markdownLoader.load({ path, text, bytes: new Uint8Array(), defaultCategory: 'notes' });

  const withHeading = await load(
    '/kb/notes/broken.md',
    '---\ntitle: [unclosed\n: : :\n---\n# Fallback heading\n\nBody.',
  );
  assert.deepEqual(withHeading.skipped, []);
  assert.equal(withHeading.documents[0]?.title, 'Fallback heading');
  assert.equal(withHeading.documents[0]?.category, 'notes');
  assert.match(withHeading.documents[0]?.content ?? '', /Body\.$/);

  const withoutHeading = await load('/kb/notes/会議メモ.md', '---\n\tkey: "unterminated\n---\n会議は毎週月曜日です。');
  assert.equal(withoutHeading.documents[0]?.title, '会議メモ');
  assert.match(withoutHeading.documents[0]?.content ?? '', /会議は毎週月曜日です。$/);
});

test('Markdown: JavaScript front matter is never evaluated', async () => {
  const marker = '__gemmaRagFrontMatterRan';
  const { documents } = await markdownLoader.load({
    path: '/kb/evil.md',
    text: `---js\n{ title: (globalThis.${marker} = true, 'owned') }\n---\n# Safe title\n\nBody.`,
    bytes: new Uint8Array(),
    defaultCategory: 'notes',
  });
  assert.equal(Reflect.get(globalThis, marker), undefined);
  assert.equal(documents[0]?.title, 'Safe title');
});
