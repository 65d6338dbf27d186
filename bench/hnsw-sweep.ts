/**
 * HNSW tuning sweep, by hand: builds (or loads) one usearch graph and measures recall@10 and
 * latency for several candidate counts C (HNSW expansion = max(expansion_search, C)), each
 * re-scored with exact fp32 dot products.
 *   node --import tsx bench/hnsw-sweep.ts --n 1000000 --queries 200 --graph /tmp/g.usearch \
 *     [--quantization i8] [--connectivity 16] [--expansion-add 128] [--candidates 40,100,200,400]
 * The graph file is reused when it exists, so a sweep over C costs one build.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadUsearch } from '../src/stores/vector-index/optional-libraries.js';
import { type SyntheticKind, syntheticVectors } from '../src/testing/synthetic-vectors.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '200' },
    dataset: { type: 'string', default: 'clustered' },
    graph: { type: 'string' },
    quantization: { type: 'string', default: 'i8' },
    connectivity: { type: 'string', default: '16' },
    'expansion-add': { type: 'string', default: '128' },
    candidates: { type: 'string', default: '40,100,200,400' },
  },
});
const count = Number(values.n);
const queryCount = Number(values.queries);
const dimensions = 768;
const k = 10;
const log = (line: string) => process.stderr.write(`${line}\n`);
const usearch = loadUsearch();

log(`generating ${count} × ${dimensions} ${values.dataset}`);
const data = syntheticVectors({ kind: values.dataset as SyntheticKind, count, dimensions, seed: 1 });
const queryData = syntheticVectors({ kind: values.dataset as SyntheticKind, count: queryCount, dimensions, seed: 2 });
const queries = Array.from({ length: queryCount }, (_, row) =>
  queryData.slice(row * dimensions, (row + 1) * dimensions),
);

let started = performance.now();
const truth = queries.map(
  (query) => new Set(Array.from(usearch.exactSearch(data, query, dimensions, k, 'ip', 0).keys, Number)),
);
log(`ground truth (usearch exact f32): ${((performance.now() - started) / queryCount).toFixed(1)} ms/query`);

const index = new usearch.Index({
  dimensions,
  metric: 'ip',
  quantization: values.quantization as 'i8',
  connectivity: Number(values.connectivity),
  expansion_add: Number(values['expansion-add']),
  expansion_search: 64,
  multi: false,
});
started = performance.now();
if (values.graph && existsSync(values.graph)) {
  index.load(values.graph);
  log(`loaded ${values.graph} in ${Math.round(performance.now() - started)} ms`);
} else {
  index.add(
    BigUint64Array.from({ length: count }, (_, row) => BigInt(row)),
    data,
    0,
  );
  log(`built in ${Math.round(performance.now() - started)} ms`);
  if (values.graph) index.save(values.graph);
}

function dot(query: Float32Array, row: number): number {
  let sum = 0;
  const offset = row * dimensions;
  for (let i = 0; i < dimensions; i++) sum += (query[i] as number) * (data[offset + i] as number);
  return sum;
}

console.log('| C | p50 ms | p99 ms | recall@10 | recall@10 without re-score |');
console.log('|---:|---:|---:|---:|---:|');
for (const candidates of (values.candidates ?? '').split(',').map(Number)) {
  const latencies: number[] = [];
  let found = 0;
  let foundRaw = 0;
  for (const query of queries.slice(0, 5)) index.search(query, candidates, 1);
  queries.forEach((query, q) => {
    const t = performance.now();
    const rows = Array.from(index.search(query, candidates, 1).keys, Number);
    const best = rows
      .map((row) => ({ row, score: dot(query, row) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
    latencies.push(performance.now() - t);
    const expected = truth[q] as Set<number>;
    found += best.filter((hit) => expected.has(hit.row)).length;
    foundRaw += rows.slice(0, k).filter((row) => expected.has(row)).length;
  });
  latencies.sort((a, b) => a - b);
  const at = (f: number) =>
    (latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))] as number).toFixed(3);
  console.log(
    `| ${candidates} | ${at(0.5)} | ${at(0.99)} | ${(found / (queryCount * k)).toFixed(4)} | ${(foundRaw / (queryCount * k)).toFixed(4)} |`,
  );
}
