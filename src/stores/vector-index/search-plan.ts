/**
 * How a search runs when the caller does not say: which mode, which compact form for the
 * coarse pass, and how many candidates (C) to re-score with full vectors.
 *
 * The rule, from bench/results/search-*.md on a 2-vCPU machine with 768-d vectors:
 * - Up to `exactUpTo` vectors the fp32 scan is exact and already fast (≈ 1 ms per 1k
 *   vectors in plain JavaScript), so there is nothing to win by approximating.
 * - Above that the funnel wins: the sign-bit (binary) code is 32× smaller than fp32 and its
 *   popcount scan is ~10× faster than the int8 scan in JavaScript, so binary is the default
 *   coarse form and recall is bought with more candidates instead of a finer code.
 * - Binary ranking errors grow with N (more vectors fall between two true neighbours), so C
 *   grows with N: a fixed fraction of N plus a multiple of k, within bounds. Re-scoring a
 *   candidate costs one fp32 dot product, so even C = 4000 stays well under the coarse scan
 *   at the sizes where it applies.
 * - A recall target above 0.99 doubles the fraction; below 0.95 halves it.
 * - int8 coarse codes rank much better than binary, so C for int8 is a small multiple of k.
 * - The planned C is a floor: the binary coarse pass widens it per query from the spread of
 *   Hamming distances (binary-codes.ts, Widening), so data whose neighbours are near-equals
 *   (isotropic random vectors: recall 0.44 → 1.0 at 50k; clusters of 5: 0.84 → 1.0) pays
 *   with time instead of silently losing recall, and well-clustered data pays nothing.
 * HNSW is never chosen here: the VectorIndex builds it only when asked. The SQLite store
 * switches a namespace to a persisted graph from 50,000 vectors (sqlite-vector-store.ts),
 * where the build is paid once and kept on disk.
 */
export type SearchMode = 'exact' | 'funnel' | 'hnsw';
export type CoarseForm = 'binary' | 'int8';

export const exactUpTo = 4096;

export interface CandidateRuleInput {
  size: number;
  k: number;
  form: CoarseForm;
  /** Dimensions the coarse code covers; a shorter Matryoshka prefix needs more candidates. */
  coarseDimensions: number;
  dimensions: number;
  recallTarget: number;
}

export function automaticMode(size: number): Exclude<SearchMode, 'hnsw'> {
  return size <= exactUpTo ? 'exact' : 'funnel';
}

export function automaticCandidates(input: CandidateRuleInput): number {
  const { size, k, form, coarseDimensions, dimensions, recallTarget } = input;
  const strictness = recallTarget > 0.99 ? 2 : recallTarget < 0.95 ? 0.5 : 1;
  // Fewer dimensions in the code means a noisier ranking; scale C by how far the code falls
  // short of 768 (the size the rule was measured at), whether from a prefix or from
  // vectors stored small (Matryoshka 128 or 256).
  const prefixPenalty = Math.sqrt(Math.max(dimensions, 768) / Math.max(1, coarseDimensions));
  const perK = form === 'binary' ? 20 : 8;
  const fraction = form === 'binary' ? 0.002 : 0.0003;
  const wanted = Math.ceil((k * perK + size * fraction) * strictness * prefixPenalty);
  return Math.max(k, Math.min(size, wanted, 20_000));
}

/**
 * How many candidates an HNSW graph proposes for exact re-scoring when nothing was measured
 * (the SQLite store measures it on the data at build time; see graph-tuning.ts). The graph's
 * own int8 scores rank neighbours inside a tight cluster poorly, so recall comes from
 * re-scoring a wider list, which must grow with N. Fitted to bench/hnsw-sweep.ts on clustered
 * 768-d data with connectivity 24: 40 reach recall@10 1.0 at 100k, 200 reach 0.997 at 1M.
 */
export function graphCandidates(size: number, k: number): number {
  const base = Math.max(4 * k, 40);
  const growth = size > 100_000 ? (size / 100_000) ** 0.7 : 1;
  return Math.min(size, Math.ceil(base * growth));
}
