/**
 * Bit counting for sign-bit codes. JavaScript has no popcount instruction, so this is the
 * classic SWAR reduction on 32-bit words: bits are summed in pairs, then nibbles, then bytes,
 * and one multiply adds the four byte counts. Every step stays in int32 so V8 keeps it in
 * registers without boxing.
 */
export function popcount32(word: number): number {
  let bits = word - ((word >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return Math.imul((bits + (bits >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Number of differing bits between two equally long runs of words. */
export function hammingDistance(
  left: Uint32Array,
  leftOffset: number,
  right: Uint32Array,
  rightOffset: number,
  words: number,
): number {
  let distance = 0;
  for (let word = 0; word < words; word++) {
    let bits = (left[leftOffset + word] as number) ^ (right[rightOffset + word] as number);
    bits -= (bits >>> 1) & 0x55555555;
    bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
    distance += Math.imul((bits + (bits >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
  }
  return distance;
}
