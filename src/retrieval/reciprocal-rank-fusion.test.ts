import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.js';

test('scores are sums of 1/(k + rank) over the lists an item appears in', () => {
  const fused = reciprocalRankFusion([
    ['a', 'b', 'c'],
    ['c', 'a'],
  ]);
  assert.equal(fused.get('a'), 1 / 61 + 1 / 62);
  assert.equal(fused.get('b'), 1 / 62);
  assert.equal(fused.get('c'), 1 / 63 + 1 / 61);
});

test('an item ranked well in both lists beats one ranked first in only one', () => {
  const fused = reciprocalRankFusion([
    ['only-vector', 'both'],
    ['only-keyword', 'both'],
  ]);
  const order = [...fused.entries()].sort((left, right) => right[1] - left[1]).map(([id]) => id);
  assert.equal(order[0], 'both');
});

test('k changes how much the top ranks dominate; empty input gives nothing', () => {
  assert.equal(reciprocalRankFusion([['a']], 0).get('a'), 1);
  assert.equal(reciprocalRankFusion([]).size, 0);
});
