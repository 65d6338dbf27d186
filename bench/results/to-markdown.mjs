// Turns the --json output of bench/search.ts into the Markdown table used in search-*.md.
import { readFileSync } from 'node:fs';

for (const file of process.argv.slice(2)) {
  const { runs } = JSON.parse(readFileSync(file, 'utf8'));
  console.log(
    '| dataset | n | method | peer | build ms | p50 ms | p99 ms | QPS | recall@10 | bytes/vector | memory counted |',
  );
  console.log('|---|---:|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const run of runs) {
    console.log(
      `| ${run.dataset} | ${run.n} | ${run.method} | ${run.peer ? 'peer' : 'ours'} | ${run.buildMs} | ${run.p50Ms} | ${run.p99Ms} | ${run.qps} | ${run.recallAt10} | ${run.bytesPerVector} | ${run.memoryNote} |`,
    );
  }
  console.log();
}
