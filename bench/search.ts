/**
 * Vector search speed and recall, by hand (not part of the test suite):
 *   node --import tsx bench/search.ts [--n 100000] [--queries 200] [--datasets random,clustered,matryoshka]
 *     [--methods exact,funnel-binary-768,...] [--skip-slow] [--json] [--postgres postgres://…]
 * 768-d unit vectors, k = 10, queries drawn from the same distribution as the data (not copies
 * of data points). Recall@10 is against an exact fp32 scan. Peers (usearch, hnswlib-node,
 * sqlite-vec) are skipped with a printed reason when they do not load. `--skip-slow` leaves
 * out HNSW graph builds and the sqlite-vec float scan, which take minutes at 1M.
 * `--postgres URL` adds the PostgreSQL store (bench/postgres-methods.ts) on that server;
 * `--methods postgres` runs only those; `--pg-types vector,halfvec`, `--pg-ef-search 40,100,…`,
 * `--pg-m 24 --pg-ef-construction 128` (the HNSW build; the store's defaults) and `--pg-binary no` choose its rows.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteVectorStore } from '../src/stores/sqlite/sqlite-vector-store.js';
import { loadUsearch } from '../src/stores/vector-index/optional-libraries.js';
import { VectorIndex, type VectorIndexOptions } from '../src/stores/vector-index/vector-index.js';
import { type SyntheticKind, syntheticVectors } from '../src/testing/synthetic-vectors.js';
import { closePostgres, postgresMethods } from './postgres-methods.js';
import { type BenchRun, markdownTable } from './results/to-markdown.mjs';
import { upsertRows } from './upsert-rows.js';

const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '200' },
    datasets: { type: 'string', default: 'random,clustered,matryoshka' },
    methods: { type: 'string' },
    'skip-slow': { type: 'boolean', default: false },
    postgres: { type: 'string' },
    'pg-types': { type: 'string', default: 'vector,halfvec' },
    'pg-ef-search': { type: 'string', default: '40,100,200,400' },
    'pg-m': { type: 'string', default: '24' },
    'pg-ef-construction': { type: 'string', default: '128' },
    'pg-binary': { type: 'string', default: 'yes' },
    json: { type: 'boolean', default: false },
  },
});
const count = Number(values.n);
const queryCount = Number(values.queries);
const dimensions = 768;
const k = 10;
const datasets = (values.datasets ?? '').split(',') as SyntheticKind[];
const onlyMethods = values.methods ? new Set(values.methods.split(',')) : undefined;
const skipSlow = values['skip-slow'] ?? false;
const log = (line: string) => process.stderr.write(`${line}\n`);

type Run = BenchRun;

interface Method {
  name: string;
  peer: boolean;
  slow?: boolean;
  /** Builds the structure; returns a search function giving row numbers, and its memory. */
  build: (data: Float32Array) => Built | Promise<Built>;
}

interface Built {
  search: (query: Float32Array) => number[] | Promise<number[]>;
  bytesPerVector: number;
  note: string;
  /** Time spent building outside `build` itself (e.g. a graph built on the first search). */
  extraBuildMs?: number;
  dispose?: () => Promise<void>;
}

function ourIndex(name: string, options: Omit<VectorIndexOptions, 'dimensions'>, slow = false): Method {
  return {
    name,
    peer: false,
    slow,
    build: (data) => {
      const index = new VectorIndex({ dimensions, ...options });
      index.add(
        Array.from({ length: data.length / dimensions }, (_, row) => String(row)),
        data,
      );
      index.prepare(k);
      const memory = index.memory();
      const parts = Object.entries(memory)
        .filter(([part, bytes]) => part !== 'total' && bytes > 0)
        .map(([part, bytes]) => `${part} ${bytes}`)
        .join(' + ');
      return {
        search: (query) => index.search(query, k).map((hit) => Number(hit.id)),
        bytesPerVector: memory.total,
        note: `${parts}; C=${index.plan(k).candidates}`,
      };
    },
  };
}

/** Reader mode: fp32 stays outside the index (here: the data array standing in for disk/SQLite). */
function lowMemoryIndex(name: string, coarse: VectorIndexOptions['coarse']): Method {
  return {
    name,
    peer: false,
    build: (data) => {
      const reader = (ids: readonly string[]) =>
        ids.map((id) => data.subarray(Number(id) * dimensions, (Number(id) + 1) * dimensions));
      const index = new VectorIndex({ dimensions, mode: 'funnel', coarse, fullVectors: reader });
      if (coarse?.form === 'int8') index.calibrateFrom(data.subarray(0, Math.min(4096, count) * dimensions));
      index.add(
        Array.from({ length: data.length / dimensions }, (_, row) => String(row)),
        data,
      );
      return {
        search: (query) => index.search(query, k).map((hit) => Number(hit.id)),
        bytesPerVector: index.memory().total,
        note: `codes only, fp32 read per candidate (C=${index.plan(k).candidates})`,
      };
    },
  };
}

function topRows(scores: Float32Array, limit: number): number[] {
  const rows = Array.from({ length: scores.length }, (_, row) => row);
  return partialTop(rows, scores, limit);
}

function partialTop(rows: number[], scores: Float32Array, limit: number): number[] {
  // Keep a sorted buffer of the best `limit`; fine for k = 10.
  const best: number[] = [];
  for (const row of rows) {
    const score = scores[row] as number;
    if (best.length === limit && score <= (scores[best[limit - 1] as number] as number)) continue;
    let position = best.length;
    while (position > 0 && (scores[best[position - 1] as number] as number) < score) position--;
    best.splice(position, 0, row);
    if (best.length > limit) best.pop();
  }
  return best;
}

function exactScan(data: Float32Array, query: Float32Array): Float32Array {
  const rows = data.length / dimensions;
  const scores = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    let sum = 0;
    const offset = row * dimensions;
    for (let index = 0; index < dimensions; index++) sum += (query[index] as number) * (data[offset + index] as number);
    scores[row] = sum;
  }
  return scores;
}

const methods: Method[] = [
  ourIndex('exact', { mode: 'exact' }),
  ourIndex('funnel-binary-768', { mode: 'funnel', coarse: { form: 'binary' } }),
  ourIndex('funnel-int8-768', { mode: 'funnel', coarse: { form: 'int8' } }),
  ourIndex('funnel-binary-256', { mode: 'funnel', coarse: { form: 'binary', prefixDimensions: 256 } }),
  ourIndex('funnel-int8-256', { mode: 'funnel', coarse: { form: 'int8', prefixDimensions: 256 } }),
  lowMemoryIndex('funnel-binary-768 fp32-outside', { form: 'binary' }),
  ourIndex('hnsw (usearch f32) + rescore', { mode: 'hnsw', hnsw: { quantization: 'f32' } }, true),
  ourIndex('hnsw (usearch i8) + rescore', { mode: 'hnsw', hnsw: { quantization: 'i8' } }, true),
  {
    name: 'plain JS Float32Array scan',
    peer: true,
    build: () => ({ search: () => [], bytesPerVector: 4 * dimensions, note: 'fp32' }),
  },
  {
    name: 'usearch exact f32',
    peer: true,
    build: (data) => {
      const usearch = loadUsearch();
      return {
        // exactSearch reads from the start of the query's ArrayBuffer, ignoring a subarray's
        // offset (every query would be the first one), so it gets an offset-0 copy.
        search: (query) => Array.from(usearch.exactSearch(data, query.slice(), dimensions, k, 'ip', 0).keys, Number),
        bytesPerVector: 4 * dimensions,
        note: 'fp32 (the data array itself)',
      };
    },
  },
  {
    name: 'usearch HNSW f32',
    peer: true,
    slow: true,
    build: (data) => {
      const usearch = loadUsearch();
      const rss = process.memoryUsage().rss;
      const index = new usearch.Index({
        dimensions,
        metric: 'ip',
        quantization: 'f32',
        connectivity: 16,
        expansion_add: 128,
        expansion_search: 64,
        multi: false,
      });
      const rows = data.length / dimensions;
      index.add(
        BigUint64Array.from({ length: rows }, (_, row) => BigInt(row)),
        data,
        0,
      );
      return {
        search: (query) => Array.from(index.search(query, k, 1).keys, Number),
        bytesPerVector: Math.round((process.memoryUsage().rss - rss) / rows),
        note: 'RSS growth during build (vectors + graph)',
      };
    },
  },
  {
    name: 'hnswlib-node HNSW',
    peer: true,
    slow: true,
    build: (data) => {
      const { HierarchicalNSW } = require('hnswlib-node') as {
        HierarchicalNSW: new (
          space: string,
          dimensions: number,
        ) => {
          initIndex(max: number, m: number, efConstruction: number, seed: number): void;
          addPoint(point: number[], label: number): void;
          setEf(ef: number): void;
          searchKnn(query: number[], k: number): { neighbors: number[] };
        };
      };
      const rss = process.memoryUsage().rss;
      const rows = data.length / dimensions;
      const index = new HierarchicalNSW('ip', dimensions);
      index.initIndex(rows, 16, 200, 100);
      for (let row = 0; row < rows; row++) {
        index.addPoint(Array.from(data.subarray(row * dimensions, (row + 1) * dimensions)), row);
      }
      index.setEf(64);
      return {
        search: (query) => index.searchKnn(Array.from(query), k).neighbors,
        bytesPerVector: Math.round((process.memoryUsage().rss - rss) / rows),
        note: 'RSS growth during build (vectors + graph)',
      };
    },
  },
  sqliteStore(),
  ...(values.postgres
    ? postgresMethods(
        {
          url: values.postgres,
          types: (values['pg-types'] ?? '').split(',') as Array<'vector' | 'halfvec'>,
          efSearch: (values['pg-ef-search'] ?? '').split(',').map(Number),
          m: Number(values['pg-m']),
          efConstruction: Number(values['pg-ef-construction']),
          binary: values['pg-binary'] !== 'no',
        },
        () => currentDataset,
        dimensions,
        k,
      )
    : []),
  sqliteVec('sqlite-vec float[768]', 'float', true),
  sqliteVec('sqlite-vec bit[768] C=100 + fp32 rescore', 'bit', false),
];

/**
 * What `gemma-rag` itself runs at this size: SqliteVectorStore with its persisted HNSW graph
 * (int8), candidate count measured on the data at build, fp32 re-score read from SQLite.
 * Build time = graph build + tuning (the SQLite insert is reported apart, in the note);
 * bytes/vector = graph file size / n, which is what usearch holds in memory.
 */
function sqliteStore(): Method {
  return {
    name: 'gemma-rag SQLite store: graph i8 + measured C + fp32 from SQLite',
    peer: false,
    slow: true,
    build: async (data) => {
      const directory = mkdtempSync(join(tmpdir(), 'gemma-rag-bench-'));
      const path = join(directory, 'bench.sqlite');
      let store = await SqliteVectorStore.open<{ row: number }>(path, { graphFrom: 1 });
      const rows = data.length / dimensions;
      const insertStarted = performance.now();
      await upsertRows(store, data, dimensions, 10_000);
      const insertMs = performance.now() - insertStarted;
      const graphStarted = performance.now();
      await store.search({ namespace: 'chunks', vector: data.subarray(0, dimensions), topK: k });
      const graphMs = performance.now() - graphStarted;
      await store.close();
      const reopenStarted = performance.now();
      store = await SqliteVectorStore.open<{ row: number }>(path, { graphFrom: 1 });
      await store.search({ namespace: 'chunks', vector: data.subarray(0, dimensions), topK: k });
      const reopenMs = performance.now() - reopenStarted;
      const graph = store.graphOf('chunks');
      const files = readdirSync(`${path}-graphs`);
      const graphBytes = files.reduce((sum, file) => sum + statSync(join(`${path}-graphs`, file)).size, 0);
      const opened = store;
      return {
        search: async (query) =>
          (await opened.search({ namespace: 'chunks', vector: query, topK: k })).map((hit) => hit.metadata.row),
        bytesPerVector: Math.round(graphBytes / rows),
        note: `graph file / n; C=${graph?.measured?.candidates} measured recall ${graph?.measured?.recall}; SQLite insert ${Math.round(insertMs / 1000)} s; reopen + first search ${Math.round(reopenMs)} ms`,
        extraBuildMs: graphMs,
        dispose: async () => {
          await opened.close();
          rmSync(directory, { recursive: true, force: true });
        },
      };
    },
  };
}

function sqliteVec(name: string, kind: 'float' | 'bit', slow: boolean): Method {
  return {
    name,
    peer: true,
    slow,
    build: (data) => {
      const Database = require('better-sqlite3') as typeof import('better-sqlite3');
      const sqliteVecModule = require('sqlite-vec') as { load: (database: unknown) => void };
      const database = new Database(':memory:');
      sqliteVecModule.load(database);
      const type = kind === 'float' ? 'float[768]' : 'bit[768]';
      database.exec(`CREATE VIRTUAL TABLE items USING vec0(embedding ${type})`);
      const insert = database.prepare(
        kind === 'float'
          ? 'INSERT INTO items(rowid, embedding) VALUES (?, ?)'
          : 'INSERT INTO items(rowid, embedding) VALUES (?, vec_quantize_binary(?))',
      );
      const rows = data.length / dimensions;
      database.transaction(() => {
        for (let row = 0; row < rows; row++) {
          const vector = data.subarray(row * dimensions, (row + 1) * dimensions);
          insert.run(BigInt(row), Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
        }
      })();
      const candidates = kind === 'float' ? k : 100;
      const select = database.prepare(
        kind === 'float'
          ? 'SELECT rowid FROM items WHERE embedding MATCH ? AND k = ?'
          : 'SELECT rowid FROM items WHERE embedding MATCH vec_quantize_binary(?) AND k = ?',
      );
      return {
        search: (query) => {
          const found = (
            select.all(Buffer.from(query.buffer, query.byteOffset, query.byteLength), candidates) as Array<{
              rowid: number;
            }>
          ).map((row) => Number(row.rowid));
          if (kind === 'float') return found;
          const scores = new Float32Array(rows);
          for (const row of found) {
            let sum = 0;
            for (let index = 0; index < dimensions; index++) {
              sum += (query[index] as number) * (data[row * dimensions + index] as number);
            }
            scores[row] = sum;
          }
          return partialTop(found, scores, k);
        },
        bytesPerVector: kind === 'float' ? 4 * dimensions : dimensions / 8,
        note: kind === 'float' ? 'fp32 in SQLite pages' : 'bits in SQLite pages; fp32 outside',
      };
    },
  };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

const runs: Run[] = [];
let currentDataset = '';
for (const dataset of datasets) {
  currentDataset = dataset;
  log(`# ${dataset}: generating ${count} × ${dimensions}`);
  const data = syntheticVectors({ kind: dataset, count, dimensions, seed: 1 });
  const queryData = syntheticVectors({ kind: dataset, count: queryCount, dimensions, seed: 2 });
  const queries = Array.from({ length: queryCount }, (_, row) =>
    queryData.subarray(row * dimensions, (row + 1) * dimensions),
  );
  // The plain JS scan is timed on up to 20 queries (5 s each at 1M); the truth for all
  // queries comes from usearch's exact SIMD scan when it loads, else from the JS scan.
  const plainLatencies: number[] = [];
  let exactSearch: ReturnType<typeof loadUsearch>['exactSearch'] | undefined;
  try {
    exactSearch = loadUsearch().exactSearch;
  } catch {
    exactSearch = undefined;
  }
  const truth = queries.map((query, index) => {
    let rows: number[] | undefined;
    if (index < 20 || !exactSearch) {
      const started = performance.now();
      rows = topRows(exactScan(data, query), k);
      plainLatencies.push(performance.now() - started);
    }
    if (exactSearch) rows = Array.from(exactSearch(data, query.slice(), dimensions, k, 'ip', 0).keys, Number);
    return new Set(rows);
  });
  for (const method of methods) {
    const postgresOnly = onlyMethods?.has('postgres') && /PostgreSQL|pgvector/.test(method.name);
    if (onlyMethods && !onlyMethods.has(method.name) && !postgresOnly) continue;
    if (method.slow && skipSlow) {
      log(`skip ${method.name}: --skip-slow`);
      continue;
    }
    let built: Built;
    const started = performance.now();
    try {
      built = await method.build(data);
    } catch (error) {
      log(`skip ${method.name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      continue;
    }
    const buildMs = built.extraBuildMs ?? performance.now() - started;
    let latencies: number[];
    let found = 0;
    if (method.name === 'plain JS Float32Array scan') {
      latencies = plainLatencies;
      found = queryCount * k; // it is the reference
    } else {
      for (const query of queries.slice(0, 5)) await built.search(query); // warm up the JIT
      latencies = [];
      for (const [index, query] of queries.entries()) {
        const searchStarted = performance.now();
        const rows = await built.search(query);
        latencies.push(performance.now() - searchStarted);
        const expected = truth[index] as Set<number>;
        found += rows.filter((row) => expected.has(row)).length;
      }
    }
    await built.dispose?.();
    const total = latencies.reduce((sum, value) => sum + value, 0);
    latencies.sort((left, right) => left - right);
    const run: Run = {
      dataset,
      n: count,
      method: method.name,
      peer: method.peer,
      buildMs: Math.round(buildMs),
      p50Ms: Number(percentile(latencies, 0.5).toFixed(3)),
      p99Ms: Number(percentile(latencies, 0.99).toFixed(3)),
      qps: Math.round((1000 * latencies.length) / total),
      recallAt10: Number((found / (queryCount * k)).toFixed(4)),
      bytesPerVector: built.bytesPerVector,
      memoryNote: built.note,
    };
    runs.push(run);
    log(JSON.stringify(run));
    built = undefined as never;
    if (global.gc) global.gc();
  }
}

await closePostgres();

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
if (values.json) {
  console.log(JSON.stringify({ machine, runs }, null, 2));
} else {
  console.log(`Machine: ${machine.cpus} CPUs, ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}\n`);
  console.log(markdownTable(runs));
}
