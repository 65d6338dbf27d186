import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticVectors } from '../../testing/synthetic-vectors.js';
import { decodeBinarySigns, encodeBinary, hammingScan, smallestDistances } from './binary-codes.js';
import { calibrateInt8, decodeInt8, encodeInt8, int8QueryWeights } from './int8-codes.js';

const dimensions = 768;

test('binary codes keep exactly the sign of every component (and a partial last word)', () => {
  for (const size of [768, 100]) {
    const vectors = syntheticVectors({ kind: 'random', count: 20, dimensions: size, seed: 3 });
    const words = Math.ceil(size / 32);
    const codes = new Uint32Array(20 * words);
    for (let row = 0; row < 20; row++) {
      encodeBinary(vectors, row * size, size, codes, row * words);
      const signs = decodeBinarySigns(codes, row * words, size);
      for (let dimension = 0; dimension < size; dimension++) {
        assert.equal(signs[dimension], (vectors[row * size + dimension] as number) > 0 ? 1 : -1);
      }
    }
  }
});

test('hammingScan plus smallestDistances returns the C nearest codes, skipping excluded slots', () => {
  const count = 500;
  const vectors = syntheticVectors({ kind: 'random', count, dimensions, seed: 4 });
  const words = 24;
  const codes = new Uint32Array(count * words);
  for (let row = 0; row < count; row++) encodeBinary(vectors, row * dimensions, dimensions, codes, row * words);
  const query = codes.slice(0, words);
  const distances = new Uint16Array(count);
  hammingScan(codes, words, count, query, distances, (slot) => slot % 2 === 0, dimensions + 1);
  assert.equal(distances[0], 0);
  assert.equal(distances[1], dimensions + 1);
  const selected = smallestDistances(distances, count, 25, dimensions + 1);
  assert.equal(selected.length, 25);
  const cutoff = Math.max(...Array.from(selected, (slot) => distances[slot] as number));
  for (const slot of selected) assert.equal(slot % 2, 0);
  const closerElsewhere = Array.from(distances).filter(
    (distance, slot) => distance < cutoff && !selected.includes(slot),
  );
  assert.deepEqual(closerElsewhere, []);
  // Asking for more than the included slots gives exactly the included ones.
  assert.equal(smallestDistances(distances, count, 10_000, dimensions + 1).length, count / 2);
});

test('calibrated int8 decodes within half a step per component, and clamps outliers', () => {
  const count = 2000;
  const vectors = syntheticVectors({ kind: 'clustered', count, dimensions, seed: 5, clusters: 50 });
  const calibration = calibrateInt8(count, dimensions, (row, target) =>
    target.set(vectors.subarray(row * dimensions, (row + 1) * dimensions)),
  );
  const codes = new Int8Array(dimensions);
  let clamped = 0;
  let worstDotError = 0;
  for (let row = 0; row < count; row += 37) {
    const vector = vectors.subarray(row * dimensions, (row + 1) * dimensions);
    encodeInt8(vector, calibration, codes, 0);
    const decoded = decodeInt8(codes, 0, calibration);
    let dotError = 0;
    for (let dimension = 0; dimension < dimensions; dimension++) {
      const step = 1 / (calibration.scales[dimension] as number);
      const value = vector[dimension] as number;
      const error = Math.abs((decoded[dimension] as number) - value);
      if (Math.abs(value) <= 127 * step) assert.ok(error <= step / 2 + 1e-7, `dimension ${dimension}`);
      else {
        clamped++;
        assert.equal(Math.abs(codes[dimension] as number), 127);
      }
      dotError += value * ((decoded[dimension] as number) - value);
    }
    worstDotError = Math.max(worstDotError, Math.abs(dotError));
  }
  // Rounding alone moves a self-dot product by well under 0.5 %; the rare clamped outliers
  // (above the 99.9th percentile of their dimension) add the rest, ~1 % at worst here.
  assert.ok(worstDotError < 0.02, `self dot error ${worstDotError}`);
  assert.ok(clamped < 0.01 * 55 * dimensions);
  // Far finer than the naive unit scale (127), which the FACTS measurements found too coarse.
  for (const scale of calibration.scales) assert.ok(scale > 127 * 3);
});

test('asymmetric int8 weights reproduce the dot product closely', () => {
  const count = 1000;
  const vectors = syntheticVectors({ kind: 'random', count, dimensions, seed: 6 });
  const calibration = calibrateInt8(count, dimensions, (row, target) =>
    target.set(vectors.subarray(row * dimensions, (row + 1) * dimensions)),
  );
  const query = vectors.subarray(0, dimensions);
  const weights = int8QueryWeights(query, calibration);
  const codes = new Int8Array(dimensions);
  for (let row = 1; row < 50; row++) {
    const vector = vectors.subarray(row * dimensions, (row + 1) * dimensions);
    encodeInt8(vector, calibration, codes, 0);
    let exact = 0;
    let approximate = 0;
    for (let dimension = 0; dimension < dimensions; dimension++) {
      exact += (query[dimension] as number) * (vector[dimension] as number);
      approximate += (weights[dimension] as number) * (codes[dimension] as number);
    }
    assert.ok(Math.abs(exact - approximate) < 0.01, `row ${row}: ${exact} vs ${approximate}`);
  }
});
