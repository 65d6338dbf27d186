/**
 * Keeps the `limit` highest scores seen, as a binary min-heap in typed arrays: the weakest
 * kept score sits at the root, so most offers are rejected with one comparison. Equal
 * scores are decided by `prefer`, which makes the kept set independent of heap history.
 */
export class TopScores {
  private readonly scores: Float64Array;
  private readonly slots: Int32Array;
  private length = 0;

  /**
   * @param prefer decides between equal scores: true when `slot` should rank above
   * `otherSlot`. Defaults to the lower slot; the exact scan passes an id comparison.
   */
  constructor(
    readonly limit: number,
    private readonly prefer: (slot: number, otherSlot: number) => boolean = (slot, otherSlot) => slot < otherSlot,
  ) {
    this.scores = new Float64Array(Math.max(1, limit));
    this.slots = new Int32Array(Math.max(1, limit));
  }

  get size(): number {
    return this.length;
  }

  /** The score a new entry must beat once the heap is full. */
  get threshold(): number {
    return this.length < this.limit ? Number.NEGATIVE_INFINITY : (this.scores[0] as number);
  }

  offer(score: number, slot: number): void {
    if (this.limit <= 0) return;
    if (this.length < this.limit) {
      this.siftUp(this.length++, score, slot);
      return;
    }
    if (!this.weaker(this.scores[0] as number, this.slots[0] as number, score, slot)) return;
    this.siftDown(score, slot);
  }

  /** Kept slots, best first. */
  slotsBestFirst(): Int32Array {
    const order = Array.from({ length: this.length }, (_, index) => index);
    order.sort((left, right) => {
      const difference = (this.scores[right] as number) - (this.scores[left] as number);
      if (difference !== 0) return difference;
      return this.prefer(this.slots[left] as number, this.slots[right] as number) ? -1 : 1;
    });
    return Int32Array.from(order, (index) => this.slots[index] as number);
  }

  /** True when (score, slot) ranks below (otherScore, otherSlot). */
  private weaker(score: number, slot: number, otherScore: number, otherSlot: number): boolean {
    return score < otherScore || (score === otherScore && this.prefer(otherSlot, slot));
  }

  private siftUp(position: number, score: number, slot: number): void {
    while (position > 0) {
      const parent = (position - 1) >> 1;
      if (!this.weaker(score, slot, this.scores[parent] as number, this.slots[parent] as number)) break;
      this.scores[position] = this.scores[parent] as number;
      this.slots[position] = this.slots[parent] as number;
      position = parent;
    }
    this.scores[position] = score;
    this.slots[position] = slot;
  }

  private siftDown(score: number, slot: number): void {
    let position = 0;
    for (;;) {
      const left = 2 * position + 1;
      if (left >= this.length) break;
      const right = left + 1;
      let child = left;
      if (
        right < this.length &&
        this.weaker(
          this.scores[right] as number,
          this.slots[right] as number,
          this.scores[left] as number,
          this.slots[left] as number,
        )
      ) {
        child = right;
      }
      if (!this.weaker(this.scores[child] as number, this.slots[child] as number, score, slot)) break;
      this.scores[position] = this.scores[child] as number;
      this.slots[position] = this.slots[child] as number;
      position = child;
    }
    this.scores[position] = score;
    this.slots[position] = slot;
  }
}
