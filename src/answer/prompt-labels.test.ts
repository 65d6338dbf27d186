import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutLeadingLabels } from './prompt-labels.js';

test('the prompt labels a small model reads back at the start of its reply are dropped, repeated or not', () => {
  assert.equal(
    withoutLeadingLabels('最相关的句子：正式员工入职第一年共有12天年假。'),
    '正式员工入职第一年共有12天年假。',
  );
  assert.equal(withoutLeadingLabels('最相关的句子：最相关的句子：正式员工'), '正式员工');
  assert.equal(withoutLeadingLabels('请用中文回答。\nCONTEXT:\n病假要在上午10点前通知。'), '病假要在上午10点前通知。');
  assert.equal(withoutLeadingLabels('QUESTION: 在哪个网址重置密码？'), '在哪个网址重置密码？');
  assert.equal(withoutLeadingLabels('  Context: the treaty'), 'the treaty');
});

test('labels inside an answer, and words that only look like them, stay', () => {
  for (const answer of [
    '答案是最相关的句子：没有。',
    'The question: is it high or low? High.',
    '请用公司邮箱回答客户的问题。',
    '问题在于预算不足。',
    'Contextual information is missing.',
  ]) {
    assert.equal(withoutLeadingLabels(answer), answer);
  }
});
