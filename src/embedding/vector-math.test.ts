import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCodes } from '../spec/errors.js';
import { cosineSimilarity, dot, l2Normalize, truncateMatryoshka } from './vector-math.js';

const norm = (vector: Float32Array) => Math.sqrt(dot(vector, vector));

test('l2Normalize gives unit length and keeps direction', () => {
  const unit = l2Normalize(Float32Array.of(3, 4));
  assert.ok(Math.abs(norm(unit) - 1) < 1e-6);
  assert.ok(Math.abs((unit[0] ?? 0) - 0.6) < 1e-6);
  assert.ok(Math.abs((unit[1] ?? 0) - 0.8) < 1e-6);
});

test('l2Normalize leaves a zero vector at zero instead of NaN', () => {
  assert.deepEqual(Array.from(l2Normalize(new Float32Array(4))), [0, 0, 0, 0]);
});

test('Matryoshka truncation keeps the prefix and re-normalizes', () => {
  const vector = l2Normalize(Float32Array.from({ length: 768 }, (_, index) => Math.cos(index)));
  for (const dimensions of [512, 256, 128]) {
    const truncated = truncateMatryoshka(vector, dimensions);
    assert.equal(truncated.length, dimensions);
    assert.ok(Math.abs(norm(truncated) - 1) < 1e-5, `norm at ${dimensions}`);
    // Same direction as the raw prefix: ratios between components are preserved.
    const ratio = (truncated[5] ?? 0) / (vector[5] ?? 1);
    assert.ok(Math.abs((truncated[77] ?? 0) / (vector[77] ?? 1) - ratio) < 1e-4);
  }
  assert.ok(norm(vector.subarray(0, 128)) < 0.9, 'the raw prefix alone is not unit length');
});

test('truncating to more dimensions than exist is an INVALID_DIMENSIONS error', () => {
  assert.throws(() => truncateMatryoshka(new Float32Array(128), 256), { code: errorCodes.invalidDimensions });
});

test('cosine similarity: identical 1, opposite -1, orthogonal 0, scale-invariant', () => {
  const a = Float32Array.of(1, 2, 3);
  assert.ok(Math.abs(cosineSimilarity(a, a) - 1) < 1e-6);
  assert.ok(Math.abs(cosineSimilarity(a, Float32Array.of(-1, -2, -3)) + 1) < 1e-6);
  assert.equal(cosineSimilarity(Float32Array.of(1, 0), Float32Array.of(0, 1)), 0);
  assert.ok(Math.abs(cosineSimilarity(a, Float32Array.of(10, 20, 30)) - 1) < 1e-6);
});

test('cosine similarity with a zero vector is 0, pinned: it must never pass a threshold', () => {
  const zero = new Float32Array(3);
  assert.equal(cosineSimilarity(zero, zero), 0);
  assert.equal(cosineSimilarity(zero, Float32Array.of(1, 2, 3)), 0);
});

test('cosine similarity of different lengths is an error, not a silent partial sum', () => {
  assert.throws(() => cosineSimilarity(new Float32Array(3), new Float32Array(4)), {
    code: errorCodes.invalidDimensions,
  });
});
