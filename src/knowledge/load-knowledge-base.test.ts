import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { errorCodes } from '../spec/errors.js';
import { exampleKnowledgeBasePath, loadKnowledgeBaseFile, parseKnowledgeBase } from './load-knowledge-base.js';

const rejectsWith = (text: string, pattern: RegExp) =>
  assert.throws(
    () => parseKnowledgeBase(text, 'kb.json'),
    (error: { code: string; message: string }) => {
      assert.equal(error.code, errorCodes.invalidKnowledgeBase);
      assert.match(error.message, /^kb\.json /);
      assert.match(error.message, pattern);
      return true;
    },
  );

test('the example knowledge base is valid: four areas, documents in Chinese, English and Japanese', async () => {
  const knowledgeBase = await loadKnowledgeBaseFile(exampleKnowledgeBasePath);
  assert.equal(knowledgeBase.length, 4);
  for (const category of knowledgeBase) {
    assert.ok(category.documents.length >= 6);
    const titles = category.documents.map((document) => document.title).join(' ');
    assert.match(titles, /\p{Script=Han}/u);
    assert.match(titles, /[A-Za-z]{4}/);
    assert.match(titles, /[\p{Script=Hiragana}\p{Script=Katakana}]/u);
  }
});

test('invalid JSON names the file, line and column', () => {
  rejectsWith('[\n  { "category": "IT",\n    "documents": [ } ]\n]', /not valid JSON at line 3, column \d+/);
});

test('empty knowledge base, empty category and blank fields are named precisely', () => {
  rejectsWith('[]', /at least one category/);
  rejectsWith('[{ "category": "IT 与安全", "documents": [] }]', /category 1 \("IT 与安全"\).*at least one document/s);
  rejectsWith(
    '[{ "category": "IT", "documents": [{ "title": "A", "content": "   " }] }]',
    /category 1 \("IT"\), document 1, "content": a document needs non-empty content/,
  );
  rejectsWith(
    '[{ "category": "", "documents": [{ "title": "A", "content": "B" }] }]',
    /category 1, "category": a category needs a non-empty name/,
  );
  rejectsWith('{ "category": "IT" }', /top level/);
});

test('duplicate category names are refused', () => {
  const document = '{ "title": "A", "content": "B" }';
  rejectsWith(
    `[{ "category": "IT", "documents": [${document}] }, { "category": "IT", "documents": [${document}] }]`,
    /duplicate category name "IT"/,
  );
});

test('a byte-order mark and CJK content are fine', () => {
  const knowledgeBase = parseKnowledgeBase(
    '\uFEFF[{ "category": "人事", "documents": [{ "title": "年假", "content": "十二天。" }] }]',
    'kb.json',
  );
  assert.equal(knowledgeBase[0]?.documents[0]?.content, '十二天。');
});

test('a missing file is reported by path', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'gemma-rag-kb-'));
  try {
    await assert.rejects(
      loadKnowledgeBaseFile(join(directory, 'missing.json')),
      /missing\.json: the file does not exist/,
    );
    await writeFile(join(directory, 'bad.json'), '[{');
    await assert.rejects(loadKnowledgeBaseFile(join(directory, 'bad.json')), /bad\.json is not valid JSON/);
  } finally {
    await rm(directory, { recursive: true });
  }
});

test('JSON errors say what is wrong where: a missing comma, a trailing comma, an empty file', () => {
  rejectsWith('[{ "category": "IT" "documents": [] }]', /line 1, column 21 \(comma expected\)/);
  rejectsWith('[{ "category": "IT", }]', /line 1, column 22/);
  rejectsWith('', /not valid JSON/);
});
