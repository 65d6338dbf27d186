import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../testing/synthetic-vectors.js';
import { hammingDistance, popcount32 } from './popcount.js';

function naivePopcount(word: number): number {
  let count = 0;
  for (let bit = 0; bit < 32; bit++) if ((word >>> bit) & 1) count++;
  return count;
}

test('popcount32 matches a bit-by-bit count, including edge words', () => {
  const random = seededRandom(1);
  const words = [0, 1, -1, 0x80000000, 0x7fffffff, 0xffffffff, 0x55555555, 0xaaaaaaaa];
  for (let index = 0; index < 10_000; index++) words.push(Math.floor(random() * 4294967296));
  for (const word of words) assert.equal(popcount32(word), naivePopcount(word >>> 0), `word ${word}`);
});

test('hammingDistance matches a naive count over word runs and offsets', () => {
  const random = seededRandom(2);
  const left = Uint32Array.from({ length: 96 }, () => Math.floor(random() * 4294967296));
  const right = Uint32Array.from({ length: 96 }, () => Math.floor(random() * 4294967296));
  for (const [leftOffset, rightOffset, words] of [
    [0, 0, 24],
    [24, 48, 24],
    [5, 7, 8],
    [0, 0, 0],
  ] as const) {
    let naive = 0;
    for (let word = 0; word < words; word++) {
      naive += naivePopcount(((left[leftOffset + word] as number) ^ (right[rightOffset + word] as number)) >>> 0);
    }
    assert.equal(hammingDistance(left, leftOffset, right, rightOffset, words), naive);
  }
});
