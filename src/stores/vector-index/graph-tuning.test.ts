import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticVectors } from '../../testing/synthetic-vectors.js';
import { SampledNeighbours, tuneCandidates } from './graph-tuning.js';
import { isUsearchAvailable } from './optional-libraries.js';

const dimensions = 32;
const count = 600;
const data = syntheticVectors({ kind: 'random', count, dimensions, seed: 5 });
const keys = Array.from({ length: count }, (_, row) => row + 1000);
const dot = (query: Float32Array, row: number) => {
  let sum = 0;
  for (let index = 0; index < dimensions; index++)
    sum += (query[index] as number) * (data[row * dimensions + index] as number);
  return sum;
};

test('sampled neighbours: exact top-k over batches, among the non-sample vectors', {
  skip: !isUsearchAvailable() && 'usearch is not installed',
}, () => {
  const neighbours = new SampledNeighbours(dimensions, 10);
  for (const row of [3, 250, 599])
    neighbours.addSample(keys[row] as number, data.slice(row * dimensions, (row + 1) * dimensions));
  // Three uneven batches, as the graph build feeds them.
  for (const [start, end] of [
    [0, 256],
    [256, 512],
    [512, 600],
  ] as const) {
    neighbours.observe(keys.slice(start, end), data.slice(start * dimensions, end * dimensions));
  }
  for (const [index, row] of [3, 250, 599].entries()) {
    const query = data.slice(row * dimensions, (row + 1) * dimensions);
    const expected = Array.from({ length: count }, (_, other) => other)
      .filter((other) => ![3, 250, 599].includes(other))
      .sort((left, right) => dot(query, right) - dot(query, left))
      .slice(0, 10)
      .map((other) => keys[other]);
    assert.deepEqual([...neighbours.truth(index)].sort(), expected.sort());
  }
});

test('tuneCandidates climbs the doubling ladder to the first count that reaches the target', {
  skip: !isUsearchAvailable() && 'usearch is not installed',
}, () => {
  const neighbours = new SampledNeighbours(dimensions, 10);
  for (let row = 0; row < count; row += 60)
    neighbours.addSample(keys[row] as number, data.slice(row * dimensions, (row + 1) * dimensions));
  neighbours.observe(keys, data);
  const asked: number[] = [];
  // A stand-in search that finds the true neighbours only from 160 candidates on.
  const tuning = tuneCandidates(neighbours, 10, 0.99, count, (sample, candidates) => {
    asked.push(candidates);
    const index = neighbours.keys.findIndex((_, position) => neighbours.sample(position) === sample);
    return candidates >= 160 ? [...neighbours.truth(index)] : [];
  });
  assert.deepEqual(tuning, { candidates: 160, recall: 1 });
  assert.deepEqual([...new Set(asked)], [40, 80, 160]);
  // Never reaching the target: the largest rung, with the recall it had.
  const capped = tuneCandidates(neighbours, 10, 0.99, 300, () => []);
  assert.deepEqual(capped, { candidates: 300, recall: 0 });
  // 0.99 measured is not enough for a 0.99 target (the samples flatter the graph); 1.0 is.
  const truths = neighbours.keys.map((_, index) => [...neighbours.truth(index)]);
  const nearly = tuneCandidates(neighbours, 10, 0.99, 80, (sample, candidates) => {
    const index = neighbours.keys.findIndex((_, position) => neighbours.sample(position) === sample);
    const all = truths[index] as number[];
    return candidates >= 80 || index > 0 ? all : all.slice(0, 9);
  });
  assert.deepEqual(nearly, { candidates: 80, recall: 1 });
});
