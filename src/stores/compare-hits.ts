/** Best score first; equal scores by id, so results do not depend on insertion order. */
export function compareHits(left: { id: string; score: number }, right: { id: string; score: number }): number {
  return right.score - left.score || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0);
}
