import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createRag, type Rag } from '../app/rag.js';
import { exampleKnowledgeBasePath, loadKnowledgeBaseFile } from '../knowledge/load-knowledge-base.js';
import { errorCodes } from '../spec/errors.js';
import type { KnowledgeIndex } from './knowledge-index.js';

// Two-stage routing on the example knowledge base with the lexical engine: meaningful
// similarities without model weights. Category names in the example are trilingual.
let rag: Rag;
let index: KnowledgeIndex;

before(async () => {
  rag = await createRag({ engine: 'lexical' });
  index = await rag.index(await loadKnowledgeBaseFile(exampleKnowledgeBasePath));
});

const routes: Array<[question: string, category: RegExp, title: string]> = [
  ['如何重置密码？', /IT/, '账户密码重置'],
  ['忘记密码怎么办', /IT/, '账户密码重置'],
  ['How do I reset my password?', /IT/, 'Resetting your account password'],
  ['パスワードを忘れました', /IT/, 'パスワードの再設定'],
  ['年假有几天？', /HR/, '年假规定'],
  ['How many days of annual leave do I get?', /HR/, 'Annual leave allowance'],
  ['有給休暇は何日ありますか', /HR/, '年次有給休暇'],
  ['报销截止时间是什么时候？', /Finance/, '费用报销截止时间'],
  ['When is the expense claim deadline?', /Finance/, 'Expense claim deadline'],
  ['経費精算の締め切りはいつですか', /Finance/, '経費精算の締め切り'],
  ['怎么预订会议室？', /Office/, '会议室预订'],
  ['How do I book a meeting room?', /Office/, 'Booking meeting rooms'],
  ['会議室の予約方法は？', /Office/, '会議室の予約'],
  ['生病了怎么请假？', /HR/, '病假与临时缺勤'],
  ['Can I have personal parcels delivered to the office?', /Office/, 'Mail and parcels'],
];

for (const [question, category, title] of routes) {
  test(`two-stage: "${question}" → ${title}`, async () => {
    const result = await rag.retrieve(index, question, { mode: 'two-stage' });
    assert.equal(result.refusal, null, JSON.stringify(result.scores));
    assert.match(result.category?.name ?? '', category);
    assert.equal(result.document?.title, title);
    // Every score is kept, best first, for --explain and JSON.
    assert.equal(result.scores.categories.length, 4);
    assert.equal(result.scores.documents.length, 6);
    const scores = result.scores.categories.map((entry) => entry.score);
    assert.deepEqual(
      scores,
      [...scores].sort((left, right) => right - left),
    );
  });
}

for (const question of [
  '今天天气怎么样？',
  'What is the capital of France?',
  '推荐一部好看的电影',
  'How do I bake bread?',
  '猫の飼い方を教えて',
  'Who won the football world cup?',
]) {
  test(`two-stage refuses an unrelated question: "${question}"`, async () => {
    const result = await rag.retrieve(index, question, { mode: 'two-stage' });
    assert.equal(result.document, null);
    assert.ok(result.refusal === 'category-below-threshold' || result.refusal === 'document-below-threshold');
  });
}

test('a category below its threshold stops before stage 2', async () => {
  const strict = await createRag({ engine: 'lexical', categoryThreshold: 0.99 });
  const result = await strict.retrieve(index, '如何重置密码？', { mode: 'two-stage' });
  assert.equal(result.refusal, 'category-below-threshold');
  assert.equal(result.category, null);
  assert.deepEqual(result.scores.documents, []);
  assert.equal(result.thresholds.category, 0.99);
});

test('a document below its threshold is refused but the category is reported', async () => {
  const strict = await createRag({ engine: 'lexical', documentThreshold: 0.99 });
  const result = await strict.retrieve(index, '如何重置密码？', { mode: 'two-stage' });
  assert.equal(result.refusal, 'document-below-threshold');
  assert.match(result.category?.name ?? '', /IT/);
  assert.equal(result.document, null);
  assert.equal(result.scores.documents[0]?.title, '账户密码重置');
});

test('flat mode ranks all documents and gates the best by the document threshold', async () => {
  const result = await rag.retrieve(index, 'How do I reset my password?', { mode: 'flat', topK: 3 });
  assert.equal(result.stages, 'flat');
  assert.equal(result.category, null);
  assert.equal(result.scores.documents.length, 3);
  assert.equal(result.document?.title, 'Resetting your account password');
});

test('an empty question is an INVALID_ARGUMENT error', async () => {
  await assert.rejects(rag.retrieve(index, '   '), { code: errorCodes.invalidArgument });
});
