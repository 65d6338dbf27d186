import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewriteProblem } from './rewrite-check.js';

test('rewrites seen on a real instruct model are rejected, each for its reason', () => {
  const parking = ['员工停车每个月多少钱？'];
  assert.equal(
    rewriteProblem('用户: 员工停车每个月多少钱？', '那访客呢？', parking),
    'the rewrite carries a role label',
  );
  assert.equal(
    rewriteProblem('员工停车每个月多少钱？', '那访客呢？', parking),
    'the rewrite repeats an earlier question',
  );
  assert.equal(rewriteProblem('停车场几点开门？', '那访客呢？', parking), "the rewrite drops the follow-up's subject");
  const leave = ['How long is parental leave?'];
  assert.equal(
    rewriteProblem('How early must I tell HR?', 'And how early must I tell HR?', leave),
    'the rewrite adds nothing from the conversation',
  );
  assert.equal(
    rewriteProblem('Parental leave is 16 weeks.', 'And how early must I tell HR?', leave),
    'the rewrite is not a question',
  );
});

test('good rewrites pass, and a follow-up that needs no rewrite may stay as it is', () => {
  assert.equal(rewriteProblem('访客停车每个月多少钱？', '那访客呢？', ['员工停车每个月多少钱？']), null);
  assert.equal(
    rewriteProblem('How early must I tell HR about parental leave?', 'And how early must I tell HR?', [
      'How long is parental leave?',
    ]),
    null,
  );
  assert.equal(
    rewriteProblem('How do I book a meeting room?', 'How do I book a meeting room?', [
      'How many days of annual leave do I get?',
    ]),
    null,
    'a new topic in a full question is its own standalone form',
  );
  assert.equal(
    rewriteProblem('派遣社員の有給休暇は何日ですか？', 'それで、派遣社員は？', ['有給休暇は何日ですか？']),
    null,
  );
  // Words from an earlier answer resolve a referent too; a rewrite that changes the topic is
  // left to retrieval and the refusal gate to judge.
  assert.equal(
    rewriteProblem('Where is the self-service portal?', 'Where is it?', ['How do I reset my password?']),
    null,
  );
  assert.equal(rewriteProblem('今天天气怎么样？', 'what about it?', ['How many days of annual leave do I get?']), null);
});
