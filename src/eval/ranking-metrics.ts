/**
 * Ranking metrics for one query, over a ranking that is best first. Each function takes the
 * ranked ids with the key they were ordered by, so ties can be judged fairly; every metric
 * treats a relevant document missing from the ranking as not retrieved (it contributes 0).
 */

export interface RankedItem {
  id: string;
  /** What the ranking is ordered by (higher is better): a cosine score, or minus the position when there is no score. */
  score: number;
}

/**
 * 1-based rank of `id`, pessimistic on ties: a document tied with others is ranked after all of
 * them, because an equal score is not evidence that the retriever prefers it (its tie-break is by
 * document id, i.e. luck). `undefined` when the ranking does not contain it.
 */
export function rankOf(ranking: readonly RankedItem[], id: string): number | undefined {
  const target = ranking.find((item) => item.id === id);
  if (!target) return undefined;
  return ranking.filter((item) => item.score >= target.score).length;
}

/** Ranks of the relevant ids that appear in the ranking, ascending. */
function ranksOf(ranking: readonly RankedItem[], relevant: ReadonlySet<string>): number[] {
  return [...relevant]
    .map((id) => rankOf(ranking, id))
    .filter((rank): rank is number => rank !== undefined)
    .sort((left, right) => left - right);
}

/** 1 when a relevant document is at rank 1..k, else 0. */
export function hitAt(ranking: readonly RankedItem[], relevant: ReadonlySet<string>, k: number): number {
  return ranksOf(ranking, relevant).some((rank) => rank <= k) ? 1 : 0;
}

/** Share of the relevant documents found at rank 1..k (0 when there are none). */
export function recallAt(ranking: readonly RankedItem[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  return ranksOf(ranking, relevant).filter((rank) => rank <= k).length / relevant.size;
}

/** 1 / rank of the first relevant document if it is at rank 1..k, else 0. */
export function reciprocalRankAt(ranking: readonly RankedItem[], relevant: ReadonlySet<string>, k: number): number {
  const first = ranksOf(ranking, relevant)[0];
  return first !== undefined && first <= k ? 1 / first : 0;
}

/**
 * Normalized discounted cumulative gain with binary relevance: Σ 1/log2(rank + 1) over relevant
 * documents at rank 1..k, divided by the same sum for an ideal ranking. Tied relevant documents
 * take distinct consecutive (pessimistic) ranks, so ties never score above the ideal.
 */
export function ndcgAt(ranking: readonly RankedItem[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  const ranks = ranksOf(ranking, relevant);
  // Two relevant documents tied at pessimistic rank r occupy ranks r-1 and r.
  const distinct = ranks.map((rank, index) => {
    const tiedAfter = ranks.slice(index + 1).filter((other) => other === rank).length;
    return rank - tiedAfter;
  });
  const gain = (rank: number) => 1 / Math.log2(rank + 1);
  const dcg = distinct.filter((rank) => rank <= k).reduce((sum, rank) => sum + gain(rank), 0);
  let ideal = 0;
  for (let rank = 1; rank <= Math.min(k, relevant.size); rank++) ideal += gain(rank);
  return dcg / ideal;
}

/** Nearest-rank percentile (p in 0..100) of a list of numbers; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}
