import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuseNearTies, reciprocalRankFusion } from './reciprocal-rank-fusion.js';

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

test('fuseNearTies: fused order inside the band, cosine order outside it', () => {
  const candidates = [
    { id: 'a', cosine: 0.8, fused: 0.01 },
    { id: 'b', cosine: 0.78, fused: 0.03 },
    { id: 'c', cosine: 0.6, fused: 0.05 },
    { id: 'd', cosine: 0.7, fused: 0 },
  ];
  const order = fuseNearTies(
    candidates,
    (candidate) => candidate.cosine,
    (candidate) => candidate.fused,
    0.05,
  ).map((candidate) => candidate.id);
  assert.deepEqual(order, ['b', 'a', 'd', 'c']);
});
