import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporaryFolder, writeTree } from '../../../test/fixtures/temporary-files.js';
import { loadPaths } from './read-source.js';

test('text: the file name is the title and the text is the content, in any language', async (t) => {
  const folder = await temporaryFolder(t);
  await writeTree(folder, {
    '年假.txt': '员工每年享有十二天带薪年假。\n',
    '有給休暇.txt': '入社六か月後に十日間の有給休暇が付与されます。',
    'vpn.setup.txt': 'Install the VPN client first.',
    'windows.TXT': '\uFEFFline one\r\nline two\r\n',
  });
  const { documents, skipped } = await loadPaths([folder]);
  assert.deepEqual(skipped, []);
  const category = folder.split('/').at(-1);
  assert.deepEqual(
    documents.map(({ title, content, category, source }) => ({ title, content, category, source })),
    [
      { title: 'vpn.setup', content: 'Install the VPN client first.', category, source: join(folder, 'vpn.setup.txt') },
      { title: 'windows', content: 'line one\nline two', category, source: join(folder, 'windows.TXT') },
      { title: '年假', content: '员工每年享有十二天带薪年假。', category, source: join(folder, '年假.txt') },
      {
        title: '有給休暇',
        content: '入社六か月後に十日間の有給休暇が付与されます。',
        category,
        source: join(folder, '有給休暇.txt'),
      },
    ],
  );
});
