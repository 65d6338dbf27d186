export function markdownTable(
  runs: ReadonlyArray<{
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
    memoryNote: string;
  }>,
): string;
