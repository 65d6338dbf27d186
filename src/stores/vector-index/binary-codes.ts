/**
 * Sign-bit ("binary") codes: one bit per dimension, set when the component is positive,
 * packed 32 to a Uint32Array word. For unit vectors the Hamming distance between codes
 * estimates the angle between the vectors (random-hyperplane hashing), at 1/32 of fp32 size.
 */
export function binaryWordsFor(dimensions: number): number {
  return Math.ceil(dimensions / 32);
}

/**
 * Writes the sign bits of `vector[0..dimensions)` into `target` at word `targetOffset`.
 * Re-normalizing a Matryoshka prefix does not change signs, so prefixes need no extra step.
 */
export function encodeBinary(
  vector: Float32Array,
  vectorOffset: number,
  dimensions: number,
  target: Uint32Array,
  targetOffset: number,
): void {
  const words = binaryWordsFor(dimensions);
  for (let word = 0; word < words; word++) {
    let bits = 0;
    const first = word * 32;
    const last = Math.min(first + 32, dimensions);
    for (let dimension = first; dimension < last; dimension++) {
      if ((vector[vectorOffset + dimension] as number) > 0) bits |= 1 << (dimension - first);
    }
    target[targetOffset + word] = bits;
  }
}

/** Expands a code back into ±1 signs; used by tests and diagnostics, not by search. */
export function decodeBinarySigns(code: Uint32Array, codeOffset: number, dimensions: number): Int8Array {
  const signs = new Int8Array(dimensions);
  for (let dimension = 0; dimension < dimensions; dimension++) {
    const word = code[codeOffset + (dimension >>> 5)] as number;
    signs[dimension] = (word >>> (dimension & 31)) & 1 ? 1 : -1;
  }
  return signs;
}

/**
 * Hamming distance of the query code to every stored code, written into `distances`.
 * Slots rejected by `include` get `excluded` (larger than any real distance) so the
 * selection step skips them without a second pass. The popcount is inlined because a
 * function call per word costs more than the arithmetic.
 */
export function hammingScan(
  codes: Uint32Array,
  words: number,
  count: number,
  query: Uint32Array,
  distances: Uint16Array,
  include: ((slot: number) => boolean) | undefined,
  excluded: number,
): void {
  for (let slot = 0, base = 0; slot < count; slot++, base += words) {
    if (include && !include(slot)) {
      distances[slot] = excluded;
      continue;
    }
    let distance = 0;
    for (let word = 0; word < words; word++) {
      let bits = (codes[base + word] as number) ^ (query[word] as number);
      bits -= (bits >>> 1) & 0x55555555;
      bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
      distance += Math.imul((bits + (bits >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    distances[slot] = distance;
  }
}

/**
 * When to re-score more than the planned number of candidates: the sign-bit distance h to a
 * vector at angle θ is Binomial(bits, θ/π), so two vectors whose true scores differ by less
 * than the code's noise can swap places. Every slot within `z` standard deviations of the
 * k-th smallest distance is kept (up to `maximum`), so data where neighbours are near-equals
 * (sparse clusters, isotropic noise) automatically gets more candidates, and tightly
 * clustered data gets no more than the plan.
 */
export interface Widening {
  k: number;
  bits: number;
  z: number;
  maximum: number;
}

/**
 * The `limit` smallest distances (more with `widen`), by counting sort: Hamming distances are
 * small integers, so a histogram finds the cut-off distance in one pass instead of keeping a
 * heap. Within the cut-off distance lower slots win, which keeps results reproducible.
 */
export function smallestDistances(
  distances: Uint16Array,
  count: number,
  planned: number,
  excluded: number,
  widen?: Widening,
): Int32Array {
  const histogram = new Uint32Array(excluded + 1);
  for (let slot = 0; slot < count; slot++)
    histogram[distances[slot] as number] = (histogram[distances[slot] as number] as number) + 1;
  const limit = widen ? Math.max(planned, widenedLimit(histogram, excluded, widen)) : planned;
  let cutoff = 0;
  let below = 0;
  while (cutoff < excluded && below + (histogram[cutoff] as number) < limit) below += histogram[cutoff++] as number;
  // `below` slots are strictly closer than `cutoff`; take all of them and fill up with slots at `cutoff`.
  let atCutoff = cutoff < excluded ? Math.min(limit - below, histogram[cutoff] as number) : 0;
  const selected = new Int32Array(below + atCutoff);
  let written = 0;
  for (let slot = 0; slot < count; slot++) {
    const distance = distances[slot] as number;
    if (distance < cutoff) selected[written++] = slot;
    else if (distance === cutoff && atCutoff > 0) {
      selected[written++] = slot;
      atCutoff--;
    }
  }
  return selected;
}

function widenedLimit(histogram: Uint32Array, excluded: number, widen: Widening): number {
  let distance = 0;
  let seen = 0;
  while (distance < excluded && seen + (histogram[distance] as number) < widen.k)
    seen += histogram[distance++] as number;
  if (distance >= excluded) return 0;
  const p = distance / widen.bits;
  const threshold = distance + Math.ceil(widen.z * Math.sqrt(2 * widen.bits * p * (1 - p)));
  let within = seen;
  for (let next = distance; next <= Math.min(threshold, excluded - 1); next++) within += histogram[next] as number;
  return Math.min(within, widen.maximum);
}
