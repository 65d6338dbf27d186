/** mulberry32: a tiny, well-known 32-bit PRNG; the same seed gives the same split on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Picks round(fraction × n) of `items` (at least 1 and at most n − 1 when n ≥ 2) with a seeded
 * Fisher–Yates shuffle; returns them in their original order.
 */
export function holdOut<Item>(items: readonly Item[], fraction: number, seed: number): Item[] {
  if (items.length < 2 || fraction <= 0) return [];
  const count = Math.min(items.length - 1, Math.max(1, Math.round(fraction * items.length)));
  return seededSample(items, count, seed);
}

/** `count` of `items` chosen by a seeded Fisher–Yates shuffle, in their original order (all when count ≥ n). */
export function seededSample<Item>(items: readonly Item[], count: number, seed: number): Item[] {
  if (count >= items.length) return [...items];
  const random = seededRandom(seed);
  const order = items.map((_, index) => index);
  for (let index = order.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other] as number, order[index] as number];
  }
  const chosen = new Set(order.slice(0, count));
  return items.filter((_, index) => chosen.has(index));
}
