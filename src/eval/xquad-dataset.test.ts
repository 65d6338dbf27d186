import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { squadFixture, writeSquadFixture } from '../../test/fixtures/squad-fixture.js';
import { temporaryFolder } from '../../test/fixtures/temporary-files.js';
import { GemmaRagError } from '../spec/errors.js';
import { loadXquad } from './xquad-dataset.js';

test('articles become categories, paragraphs documents, questions point at their paragraph', async (t) => {
  const folder = await temporaryFolder(t);
  await writeSquadFixture(folder);
  const dataset = await loadXquad(folder, 'en');
  assert.deepEqual(
    dataset.knowledgeBase.map((category) => category.category),
    ['Lighthouse Keeping', 'Sourdough Bread', 'Tide Pools'],
  );
  assert.deepEqual(
    dataset.knowledgeBase[1]?.documents.map((document) => document.title),
    ['Sourdough Bread ¶1', 'Sourdough Bread ¶2'],
  );
  assert.equal(dataset.questions.length, 6);
  assert.deepEqual(dataset.questions[3], {
    id: 'q-bread-2',
    question: 'Why do bakers fold the dough during bulk fermentation?',
    category: 'Sourdough Bread',
    title: 'Sourdough Bread ¶2',
    answers: ['to build strength'],
  });
});

test('cross-lingual: Chinese questions against English paragraphs keep the same gold paragraphs', async (t) => {
  const folder = await temporaryFolder(t);
  await writeSquadFixture(folder);
  const dataset = await loadXquad(folder, 'zh', 'en');
  assert.equal(dataset.lang, 'zh');
  assert.equal(dataset.kbLang, 'en');
  assert.equal(dataset.questions[0]?.question, '每天晚上谁爬上塔顶点亮灯？');
  assert.equal(dataset.questions[0]?.title, 'Lighthouse Keeping ¶1');
  assert.match(dataset.knowledgeBase[0]?.documents[0]?.content ?? '', /^The lighthouse keeper/);
  // Gold answers in both languages: the question's, and the paragraph's an answer may copy.
  assert.deepEqual(dataset.questions[0]?.answers, ['灯塔看守人', 'The lighthouse keeper']);
});

test('files that are not parallel, not SQuAD or missing are rejected with the file named', async (t) => {
  const folder = await temporaryFolder(t);
  await writeSquadFixture(folder);
  const shorter = squadFixture('en') as { data: unknown[] };
  await writeFile(join(folder, 'xquad.de.json'), JSON.stringify({ data: shorter.data.slice(0, 2) }));
  await writeFile(join(folder, 'xquad.es.json'), JSON.stringify({ data: [{ title: 'x', paragraphs: [{}] }] }));
  const rejects = (promise: Promise<unknown>, pattern: RegExp) =>
    assert.rejects(promise, (error: unknown) => GemmaRagError.isInstance(error) && pattern.test(error.message));
  await rejects(loadXquad(folder, 'de', 'en'), /not parallel translations: 2 articles against 3/);
  await rejects(loadXquad(folder, 'es'), /xquad\.es\.json is not SQuAD v1\.1 JSON .*data\.0\.paragraphs\.0\.context/);
  await rejects(loadXquad(folder, 'fr'), /xquad\.fr\.json: the file does not exist/);
});

const xquadFolder = fileURLToPath(new URL('../../../shared/data/xquad/', import.meta.url));

test('the real XQuAD: 48 articles, 240 paragraphs, 1,190 questions, parallel zh → en', async (t) => {
  if (!existsSync(join(xquadFolder, 'xquad.en.json'))) {
    t.skip(`XQuAD is not at ${xquadFolder} (it lives beside the project, not in it)`);
    return;
  }
  const dataset = await loadXquad(xquadFolder, 'zh', 'en');
  assert.equal(dataset.knowledgeBase.length, 48);
  assert.equal(
    dataset.knowledgeBase.reduce((sum, category) => sum + category.documents.length, 0),
    240,
  );
  assert.equal(dataset.questions.length, 1190);
  const titles = new Set(
    dataset.knowledgeBase.flatMap((category) => category.documents.map((document) => document.title)),
  );
  assert.ok(dataset.questions.every((question) => titles.has(question.title)));
});
