import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporaryFolder, writeTree } from '../../../test/fixtures/temporary-files.js';
import { jsonlLoader } from './jsonl-loader.js';
import { loadPaths } from './read-source.js';

const lines = [
  '{"category":"人事","title":"年假","content":"员工每年享有十二天带薪年假。"}',
  '',
  '{"title":"有給休暇","content":"入社六か月後に十日間付与されます。"}',
  '{"title": "broken", "content": }',
  '{"category":"IT","title":"","content":"no title"}',
  '["not", "an", "object"]',
  '{"category":"IT","title":"VPN","content":"Connect before opening the intranet."}',
  '   ',
  '{"category":"IT","title":"VPN","content":"A second VPN document with the same title."}',
  '{"category":null,"title":"Printers","content":"Printers are on every floor."}',
  `{"category":"'; DROP TABLE documents; --","title":"Robert'); --","content":"Little Bobby Tables"}`,
  '{"category":"IT","title":"Wi-Fi"}',
];

test('JSONL: one document per line; bad lines are reported by line number and the rest still loads', async (t) => {
  const folder = await temporaryFolder(t);
  await writeTree(folder, { 'records.jsonl': lines.join('\r\n') });
  const path = join(folder, 'records.jsonl');
  const { documents, skipped } = await loadPaths([folder]);
  const category = folder.split('/').at(-1);

  assert.deepEqual(
    documents.map(({ category, title, source }) => ({ category, title, source })),
    [
      { category: '人事', title: '年假', source: `${path}#人事/年假#1` },
      { category, title: '有給休暇', source: `${path}#${category}/有給休暇#1` },
      { category: 'IT', title: 'VPN', source: `${path}#IT/VPN#1` },
      { category: 'IT', title: 'VPN', source: `${path}#IT/VPN#2` },
      { category, title: 'Printers', source: `${path}#${category}/Printers#1` },
      {
        category: "'; DROP TABLE documents; --",
        title: "Robert'); --",
        source: `${path}#'; DROP TABLE documents; --/Robert'); --#1`,
      },
    ],
  );
  assert.equal(documents[0]?.content, '员工每年享有十二天带薪年假。');
  assert.deepEqual(skipped, [
    { path: `${path}:4`, reason: 'not valid JSON at column 32 (value expected)' },
    { path: `${path}:5`, reason: '"title": a document needs a non-empty title' },
    { path: `${path}:6`, reason: 'Invalid input: expected object, received array' },
    { path: `${path}:12`, reason: '"content": Invalid input: expected string, received undefined' },
  ]);
});

test('JSONL: the loader itself copes with CRLF, a byte-order mark and a missing final newline', async () => {
  const { documents, skipped } = await jsonlLoader.load({
    path: '/kb/notes.jsonl',
    text: '\uFEFF{"title":"English","content":"Plain words."}\r\n\r\n{"title":"日本語","content":"こんにちは"}',
    bytes: new Uint8Array(),
    defaultCategory: 'notes',
  });
  assert.deepEqual(skipped, []);
  assert.deepEqual(
    documents.map((document) => [document.category, document.title, document.content]),
    [
      ['notes', 'English', 'Plain words.'],
      ['notes', '日本語', 'こんにちは'],
    ],
  );
});
