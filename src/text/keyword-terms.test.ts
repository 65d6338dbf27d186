import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keywordTerms } from './keyword-terms.js';

test('Chinese: dictionary words plus character pairs; function words dropped', () => {
  const terms = keywordTerms('如何重置密码？');
  assert.ok(terms.includes('重置'));
  assert.ok(terms.includes('密码'));
  assert.ok(terms.includes('置密'), 'pairs across word boundaries are kept');
  assert.ok(!terms.includes('如何'));
});

test('Japanese: kana and kanji words, particles dropped', () => {
  const terms = keywordTerms('パスワードを忘れました');
  assert.ok(terms.includes('パスワード'));
  assert.ok(terms.includes('忘れ'));
  assert.ok(!terms.includes('を'));
});

test('English: lower-cased, suffixes folded, stop words dropped; full-width folded', () => {
  assert.deepEqual(keywordTerms('How do I book the Meeting Rooms?'), ['book', 'meet', 'room']);
  assert.deepEqual(keywordTerms('ＰＡＳＳＷＯＲＤ'), ['password']);
});

test('mixed scripts keep both', () => {
  const terms = keywordTerms('VPN 连接失败 error 42');
  for (const term of ['vpn', '连接', '失败', 'error', '42']) assert.ok(terms.includes(term), term);
});

test('nothing but punctuation and stop words gives no terms', () => {
  assert.deepEqual(keywordTerms('？！... the of'), []);
});
