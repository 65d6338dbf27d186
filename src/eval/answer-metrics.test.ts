import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerLanguage, answerTokens, containsGold, normalizeAnswer, tokenF1 } from './answer-metrics.js';

test('an answer contains the gold answer whatever its case, width, spaces and punctuation', () => {
  assert.equal(containsGold('They won Super Bowl 50.', ['Super Bowl 50']), true);
  assert.equal(containsGold('THE DENVER broncos!', ['Denver Broncos']), true);
  assert.equal(containsGold('２０１５年', ['2015']), true, 'NFKC folds full-width digits');
  assert.equal(containsGold('约 1,000 人', ['1000']), true, 'digit grouping is punctuation');
  assert.equal(containsGold('丹佛 野马队', ['丹佛野马队']), true, 'spaces inside CJK are ignored');
  assert.equal(containsGold('The answer is 1.', ['four']), false);
  assert.equal(containsGold('anything', []), false, 'no gold answer: never right');
  assert.equal(
    containsGold('anything', ['  ', '...']),
    false,
    'a gold answer that normalizes to nothing matches nothing',
  );
});

test('normalization keeps letters and digits of every script', () => {
  assert.equal(normalizeAnswer('  “Café”,  naïve —  東京! '), 'café naïve 東京');
});

test('token F1 counts words in Latin scripts and characters in CJK, against the best gold answer', () => {
  assert.equal(tokenF1('Denver Broncos', ['Denver Broncos']), 1);
  assert.ok(Math.abs(tokenF1('the Denver Broncos team', ['Denver Broncos']) - 2 / 3) < 1e-12);
  assert.equal(tokenF1('nothing alike', ['Denver Broncos']), 0);
  assert.deepEqual(answerTokens('2015年的超级碗'), ['2015', '年', '的', '超', '级', '碗']);
  // 野马队 vs 丹佛野马队: 3 common characters, precision 1, recall 3/5.
  assert.ok(Math.abs(tokenF1('野马队', ['丹佛野马队']) - 0.75) < 1e-12);
  assert.equal(tokenF1('x', ['nope', 'x']), 1, 'the best of several gold answers');
  assert.equal(tokenF1('', ['x']), 0);
});

test('the answer language is read from its script; a bare number has none', () => {
  assert.equal(answerLanguage('It was in 2015.'), 'en');
  assert.equal(answerLanguage('2015年。'), 'zh');
  assert.equal(answerLanguage('現金は使えません。'), 'ja');
  assert.equal(answerLanguage('2015.'), null);
});
