import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporaryFolder, writeTree } from '../../../test/fixtures/temporary-files.js';
import type { LoadedDocument } from '../../spec/document-loader.js';
import { documentsOf } from '../knowledge-base.js';
import { parseKnowledgeBase } from '../load-knowledge-base.js';
import { jsonLoader } from './json-loader.js';
import { loadPaths } from './read-source.js';

const sqlCategory = "'; DROP TABLE documents; --";

const knowledgeBase = `[
  {
    "category": "人事",
    "description": "ignored here",
    "documents": [
      { "title": "年假", "content": "员工每年享有十二天带薪年假。" },
      { "title": "年假", "content": "同名的第二份文档也要保留。" },
      { "title": "病假", "content": "   " }
    ]
  },
  {
    "category": ${JSON.stringify(sqlCategory)},
    "documents": [{ "title": "x'); DELETE FROM chunks; --", "content": "SELECT * FROM users WHERE name = '' OR 1=1;" }]
  },
  {
    "category": "総務",
    "documents": [
      { "title": "有給休暇", "content": "入社六か月後に十日間の有給休暇が付与されます。" },
      "not an object",
      { "title": "VPN", "content": "Connect to the VPN before opening the intranet." }
    ]
  },
  { "category": "", "documents": [{ "title": "lost", "content": "its category has no name" }] },
  { "category": "empty", "documents": [] }
]
`;

test('JSON: every valid document loads with its category; bad records are reported by line and the rest still loads', async (t) => {
  const folder = await temporaryFolder(t);
  const path = join(folder, 'kb.json');
  await writeFile(path, knowledgeBase);
  const { documents, skipped } = await loadPaths([path]);

  assert.deepEqual(
    documents.map((document) => [document.category, document.title]),
    [
      ['人事', '年假'],
      ['人事', '年假'],
      [sqlCategory, "x'); DELETE FROM chunks; --"],
      ['総務', '有給休暇'],
      ['総務', 'VPN'],
    ],
  );
  assert.equal(documents[4]?.content, 'Connect to the VPN before opening the intranet.');
  assert.deepEqual(skipped, [
    {
      path: `${path}:8`,
      reason: 'category 1 ("人事"), document 3: "content": a document needs non-empty content',
    },
    {
      path: `${path}:19`,
      reason: 'category 3 ("総務"), document 2: Invalid input: expected object, received string',
    },
    { path: `${path}:23`, reason: 'category 4: "category": a category needs a non-empty name' },
    { path: `${path}:24`, reason: 'category 5 ("empty"): "documents": a category needs at least one document' },
  ]);
});

test('JSON: duplicate titles in a category are both kept, with sources that survive reordering', async (t) => {
  const folder = await temporaryFolder(t);
  const path = join(folder, 'kb.json');
  const categories = [
    { category: 'IT', documents: [{ title: 'VPN', content: 'first' }] },
    {
      category: sqlCategory,
      documents: [
        { title: 'VPN', content: 'other category' },
        { title: 'VPN', content: 'second in its category' },
      ],
    },
  ];
  const sourcesByContent = async (json: unknown): Promise<Map<string, string>> => {
    const { documents } = await jsonLoader.load({
      path,
      text: JSON.stringify(json),
      bytes: new Uint8Array(),
      defaultCategory: 'unused',
    });
    return new Map(documents.map((document: LoadedDocument) => [document.content, document.source]));
  };

  const original = await sourcesByContent(categories);
  assert.deepEqual(
    [...original.values()],
    [`${path}#IT/VPN#1`, `${path}#${sqlCategory}/VPN#1`, `${path}#${sqlCategory}/VPN#2`],
  );
  const reordered = await sourcesByContent([...categories].reverse());
  assert.deepEqual(new Map([...reordered].sort()), new Map([...original].sort()));
});

test('JSON: a file that is not valid JSON is skipped with line and column; its neighbours still load', async (t) => {
  const folder = await temporaryFolder(t);
  await writeTree(folder, {
    'broken.json': '[\n  { "category": "IT",\n    "documents": [ } ]\n]',
    'object.json': '{ "category": "IT" }',
    'good.json': '[{ "category": "IT", "documents": [{ "title": "Wi-Fi", "content": "Use the staff network." }] }]',
  });
  const { documents, skipped } = await loadPaths([folder]);
  assert.deepEqual(
    documents.map((document) => document.title),
    ['Wi-Fi'],
  );
  assert.equal(skipped.length, 2);
  assert.equal(skipped[0]?.path, join(folder, 'broken.json'));
  assert.match(skipped[0]?.reason ?? '', /^not valid JSON at line 3, column \d+ \(.+\)$/);
  assert.equal(skipped[1]?.path, join(folder, 'object.json'));
  assert.match(skipped[1]?.reason ?? '', /expected a JSON array of categories/);
});

test('JSON: `ingest` and `ask --kb` read a file alike — the same documents, sources and normalized tags', async () => {
  const path = '/kb/tagged.json';
  const text = JSON.stringify([
    {
      category: '人事',
      documents: [
        { title: '年假', content: '员工每年享有十二天带薪年假。', tags: ['HR', ' Leave '] },
        { title: '年假', content: '同名的第二份文档。', tags: 'hr, 人事' },
        { title: '病假', content: '请提前告知主管。' },
      ],
    },
  ]);
  const { documents } = await jsonLoader.load({ path, text, bytes: new Uint8Array(), defaultCategory: 'unused' });
  assert.deepEqual(
    documents.map((document) => document.tags),
    [['hr', 'leave'], ['hr', '人事'], undefined],
  );
  assert.deepEqual(documentsOf(parseKnowledgeBase(text, path), path).documents, documents);
});
