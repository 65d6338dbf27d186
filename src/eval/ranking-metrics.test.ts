import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hitAt, ndcgAt, percentile, rankOf, recallAt, reciprocalRankAt } from './ranking-metrics.js';

// a scores best; b and c tie for second place; d is last.
const ranking = [
  { id: 'a', score: 0.9 },
  { id: 'b', score: 0.8 },
  { id: 'c', score: 0.8 },
  { id: 'd', score: 0.5 },
];
const only = (...ids: string[]) => new Set(ids);
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-4, `${actual} ≠ ${expected}`);

test('rankOf is pessimistic on ties and undefined for a document not retrieved', () => {
  assert.equal(rankOf(ranking, 'a'), 1);
  assert.equal(rankOf(ranking, 'b'), 3);
  assert.equal(rankOf(ranking, 'c'), 3);
  assert.equal(rankOf(ranking, 'd'), 4);
  assert.equal(rankOf(ranking, 'missing'), undefined);
});

test('hit@k: a tie for the cut-off does not count as a hit', () => {
  assert.equal(hitAt(ranking, only('a'), 1), 1);
  assert.equal(hitAt(ranking, only('b'), 2), 0);
  assert.equal(hitAt(ranking, only('b'), 3), 1);
  assert.equal(hitAt(ranking, only('missing'), 10), 0);
});

test('recall@k counts a missing gold document as not found', () => {
  assert.equal(recallAt(ranking, only('a', 'missing'), 5), 0.5);
  assert.equal(recallAt(ranking, only('a', 'd'), 3), 0.5);
  assert.equal(recallAt(ranking, only('a', 'd'), 4), 1);
  assert.equal(recallAt(ranking, only(), 4), 0);
});

test('MRR@k: 1/rank of the first relevant document within k', () => {
  assert.equal(reciprocalRankAt(ranking, only('a'), 10), 1);
  close(reciprocalRankAt(ranking, only('c'), 10), 1 / 3);
  assert.equal(reciprocalRankAt(ranking, only('d'), 10), 0.25);
  assert.equal(reciprocalRankAt(ranking, only('d'), 3), 0);
  assert.equal(reciprocalRankAt(ranking, only('missing'), 10), 0);
});

test('nDCG@k with binary relevance, ties and a missing document', () => {
  assert.equal(ndcgAt(ranking, only('a'), 10), 1);
  close(ndcgAt(ranking, only('d'), 10), 1 / Math.log2(5)); // 0.4307
  assert.equal(ndcgAt(ranking, only('d'), 3), 0);
  // b and c tie at rank 3: they take ranks 2 and 3; the ideal is ranks 1 and 2.
  close(ndcgAt(ranking, only('b', 'c'), 10), (1 / Math.log2(3) + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3))); // 0.6934
  // The missing document still counts in the ideal ranking.
  close(ndcgAt(ranking, only('a', 'missing'), 10), 1 / (1 + 1 / Math.log2(3))); // 0.6131
});

test('percentile uses the nearest rank', () => {
  assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
  assert.equal(percentile([5, 1, 3, 2, 4], 95), 5);
  assert.equal(
    percentile(
      Array.from({ length: 20 }, (_, index) => index + 1),
      95,
    ),
    19,
  );
  assert.ok(Number.isNaN(percentile([], 50)));
});
