// Turns the --json output of bench/search.ts into the Markdown table used in search-*.md:
//   node bench/results/to-markdown.mjs run.json [more.json …]
// bench/search.ts prints its own table with the same function.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Markdown table of benchmark runs, header included. */
export function markdownTable(runs) {
  const lines = [
    '| dataset | n | method | peer | build ms | p50 ms | p99 ms | QPS | recall@10 | bytes/vector | memory counted |',
    '|---|---:|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const run of runs) {
    lines.push(
      `| ${run.dataset} | ${run.n} | ${run.method} | ${run.peer ? 'peer' : 'ours'} | ${run.buildMs} | ${run.p50Ms} | ${run.p99Ms} | ${run.qps} | ${run.recallAt10} | ${run.bytesPerVector} | ${run.memoryNote} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) {
    console.log(markdownTable(JSON.parse(readFileSync(file, 'utf8')).runs));
    console.log();
  }
}
