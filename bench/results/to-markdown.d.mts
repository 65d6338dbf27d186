/** One row of bench/search.ts --json output. */
export interface BenchRun {
  dataset: string;
  n: number;
  method: string;
  peer: boolean;
  buildMs: number;
  p50Ms: number;
  p99Ms: number;
  qps: number;
  recallAt10: number;
  bytesPerVector: number;
  /** What bytesPerVector counts. */
  memoryNote: string;
}

export function markdownTable(runs: readonly BenchRun[]): string;
