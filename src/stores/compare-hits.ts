/** Best score first; equal scores by id, so results do not depend on insertion order. */
export function compareHits(left: { id: string; score: number }, right: { id: string; score: number }): number {
  return right.score - left.score || compareIds(left.id, right.id);
}

export function compareIds(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
