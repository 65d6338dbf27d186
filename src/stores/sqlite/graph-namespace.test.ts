import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { VectorRecord } from '../../spec/vector-store.js';
import { syntheticVectors } from '../../testing/synthetic-vectors.js';
import { MemoryVectorStore } from '../memory/memory-vector-store.js';
import { isUsearchAvailable } from '../vector-index/optional-libraries.js';
import { vectorStoreContract } from '../vector-store.contract.js';
import { openDatabase } from './open-database.js';
import { SqliteVectorStore, type SqliteVectorStoreOptions } from './sqlite-vector-store.js';

const skip = !isUsearchAvailable() && 'the optional usearch package is not installed';
const dimensions = 128;
const count = 5000;
const k = 10;
const namespace = 'chunks';
type Meta = { group: number };

if (!skip) {
  vectorStoreContract('SqliteVectorStore through a graph', {
    create: () => SqliteVectorStore.open<{ label: string }>(':memory:', { graphFrom: 0 }),
  });
}

const directory = mkdtempSync(join(tmpdir(), 'gemma-rag-graph-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const data = syntheticVectors({ kind: 'clustered', count, dimensions, seed: 3, clusters: 30 });
const queryData = syntheticVectors({ kind: 'clustered', count: 20, dimensions, seed: 4, clusters: 30 });
const queries = Array.from({ length: 20 }, (_, row) => queryData.slice(row * dimensions, (row + 1) * dimensions));
const idOf = (row: number) => `v${String(row).padStart(5, '0')}`;
const records = (rows: number[], vectors = data): VectorRecord<Meta>[] =>
  rows.map((row) => ({
    id: idOf(row),
    namespace,
    vector: vectors.slice(row * dimensions, (row + 1) * dimensions),
    metadata: { group: row % 10 },
  }));
const allRows = Array.from({ length: count }, (_, row) => row);
const graphOptions: SqliteVectorStoreOptions = { graphFrom: 1000 };

/** The same records in the exact in-memory store, to compare against. */
async function reference(recordsToAdd: VectorRecord<Meta>[]): Promise<MemoryVectorStore<Meta>> {
  const memory = new MemoryVectorStore<Meta>();
  await memory.upsert(recordsToAdd);
  return memory;
}

async function recall(
  store: SqliteVectorStore<Meta>,
  exact: MemoryVectorStore<Meta>,
  filter?: (metadata: Meta) => boolean,
): Promise<number> {
  let found = 0;
  for (const vector of queries) {
    const truth = new Set((await exact.search({ namespace, vector, topK: k, filter })).map((hit) => hit.id));
    const hits = await store.search({ namespace, vector, topK: k, filter });
    assert.equal(hits.length, k);
    if (filter) assert.ok(hits.every((hit) => filter(hit.metadata)));
    found += hits.filter((hit) => truth.has(hit.id)).length;
  }
  return found / (queries.length * k);
}

const graphFiles = (path: string) => readdirSync(`${path}-graphs`).filter((file) => file.endsWith('.usearch'));

test('a large namespace is searched through a graph that is built once, saved beside the file and loaded after', {
  skip,
}, async () => {
  const path = join(directory, 'persist.sqlite');
  const exact = await reference(records(allRows));
  let store = await SqliteVectorStore.open<Meta>(path, graphOptions);
  await store.upsert(records(allRows));
  assert.deepEqual(store.describe(namespace), {
    vectors: count,
    method: 'graph',
    graph: { file: null, candidates: null, measuredRecall: null, pendingChanges: 0 },
  });
  const measuredRecall = await recall(store, exact);
  assert.ok(measuredRecall >= 0.99, `recall@10 ${measuredRecall}`);
  assert.equal(store.graphOf(namespace)?.report.how, 'built');
  assert.ok((store.graphOf(namespace)?.bytesPerVector() ?? Infinity) < 4 * dimensions, 'graph is smaller than fp32');
  assert.equal(graphFiles(path).length, 1);
  const measured = store.graphOf(namespace)?.measured;
  // Measured on 200 held-out stored vectors. The count itself varies run to run: usearch
  // builds on all threads, and a few nodes can end up unreachable (0–2 of 1500 seen).
  assert.ok(measured && measured.candidates >= 40 && measured.recall >= 0.95, JSON.stringify(measured));
  const described = store.describe(namespace);
  assert.equal(described.graph?.file, graphFiles(path)[0]);
  assert.equal(described.graph?.candidates, measured.candidates);
  const before = await store.search({ namespace, vector: queries[0] as Float32Array, topK: k });
  await store.close();

  store = await SqliteVectorStore.open<Meta>(path, graphOptions);
  const again = await store.search({ namespace, vector: queries[0] as Float32Array, topK: k });
  assert.deepEqual(store.graphOf(namespace)?.report, { how: 'loaded', replayed: 0 });
  assert.deepEqual(store.graphOf(namespace)?.measured, measured, 'the measured candidate count is kept with the file');
  assert.deepEqual(again, before);
  await store.close();
});

test('writes after the graph was saved are replayed: in this process, from another process, and after reopening', {
  skip,
}, async () => {
  const path = join(directory, 'replay.sqlite');
  let store = await SqliteVectorStore.open<Meta>(path, graphOptions);
  await store.upsert(records(allRows));
  await store.search({ namespace, vector: queries[0] as Float32Array, topK: 1 });
  const query = queries[5] as Float32Array;
  const best = (await store.search({ namespace, vector: query, topK: 1 }))[0]?.id as string;

  // This process: delete the best match, add a vector equal to the query, move another.
  await store.delete([best]);
  const moved = data.slice(0, dimensions); // row 0's vector, given to row 1
  await store.upsert([
    { id: 'new', namespace, vector: query, metadata: { group: 99 } },
    { id: idOf(1), namespace, vector: moved, metadata: { group: 1 } },
  ]);
  let hits = await store.search({ namespace, vector: query, topK: k });
  assert.equal(hits[0]?.id, 'new');
  assert.ok(!hits.some((hit) => hit.id === best));
  const nearRowZero = await store.search({ namespace, vector: moved, topK: 2 });
  assert.deepEqual(nearRowZero.map((hit) => hit.id).sort(), [idOf(0), idOf(1)]);

  // Another process (a second connection) writes; this one sees it on its next search.
  const other = await SqliteVectorStore.open<Meta>(path, graphOptions);
  await other.delete(['new']);
  await other.close();
  hits = await store.search({ namespace, vector: query, topK: k });
  assert.ok(!hits.some((hit) => hit.id === 'new' || hit.id === best));
  await store.close();

  store = await SqliteVectorStore.open<Meta>(path, graphOptions);
  hits = await store.search({ namespace, vector: query, topK: k });
  const report = store.graphOf(namespace)?.report;
  assert.equal(report?.how, 'loaded');
  assert.ok((report?.replayed ?? 0) >= 3, `replayed ${report?.replayed}`);
  const current = records(allRows.filter((row) => idOf(row) !== best && row !== 1));
  current.push({ id: idOf(1), namespace, vector: moved, metadata: { group: 1 } });
  assert.ok((await recall(store, await reference(current))) >= 0.99);
  await store.close();
});

test('filters: a common filter keeps recall, a filter matching one vector still finds it', { skip }, async () => {
  const path = join(directory, 'filters.sqlite');
  const store = await SqliteVectorStore.open<Meta>(path, graphOptions);
  await store.upsert(records(allRows));
  const exact = await reference(records(allRows));
  assert.ok((await recall(store, exact, (metadata) => metadata.group < 5)) >= 0.99);
  await store.upsert([{ id: 'lonely', namespace, vector: queries[9] as Float32Array, metadata: { group: 42 } }]);
  const far = queries[3] as Float32Array;
  const hits = await store.search({ namespace, vector: far, topK: k, filter: (metadata) => metadata.group === 42 });
  assert.deepEqual(
    hits.map((hit) => hit.id),
    ['lonely'],
  );
  await store.close();
});

test('a damaged graph file or changed graph settings mean a rebuild from SQLite, never wrong results', {
  skip,
}, async () => {
  const path = join(directory, 'damaged.sqlite');
  let store = await SqliteVectorStore.open<Meta>(path, graphOptions);
  await store.upsert(records(allRows));
  await store.search({ namespace, vector: queries[2] as Float32Array, topK: k }); // builds and saves the graph
  await store.close();
  // A rebuilt graph is approximate like any other (and built on several threads, so not
  // bit-identical): right means exact scores of real neighbours, not the same ten ids.
  const exact = await (await reference(records(allRows))).search({
    namespace,
    vector: queries[2] as Float32Array,
    topK: 5 * k,
  });
  const exactScore = new Map(exact.map((hit) => [hit.id, hit.score]));
  const assertRight = async (opened: SqliteVectorStore<Meta>) => {
    const hits = await opened.search({ namespace, vector: queries[2] as Float32Array, topK: k });
    assert.equal(hits.length, k);
    for (const hit of hits) assert.ok(Math.abs((exactScore.get(hit.id) ?? Number.NaN) - hit.score) < 1e-5, hit.id);
    const topIds = new Set(exact.slice(0, k).map((hit) => hit.id));
    assert.ok(hits.filter((hit) => topIds.has(hit.id)).length >= k - 2, 'recall@10 of the rebuilt graph');
  };
  // Truncated (a disk that filled up), then overwritten at the start with the size kept.
  const damages = [
    (file: string) => truncateSync(file, 100),
    (file: string) => {
      const descriptor = openSync(file, 'r+');
      writeSync(descriptor, Buffer.alloc(64, 0xab), 0, 64, 0);
      closeSync(descriptor);
    },
  ];
  for (const damage of damages) {
    const [file] = graphFiles(path);
    damage(join(`${path}-graphs`, file as string));
    store = await SqliteVectorStore.open<Meta>(path, graphOptions);
    await assertRight(store);
    assert.equal(store.graphOf(namespace)?.report.how, 'built');
    await store.close();
    assert.equal(graphFiles(path).length, 1, 'the damaged file was replaced, not left behind');
  }

  store = await SqliteVectorStore.open<Meta>(path, { ...graphOptions, graph: { connectivity: 8 } });
  await assertRight(store);
  assert.equal(store.graphOf(namespace)?.report.how, 'built');
  await store.close();
});

test('re-embedding everything at another size (reindex) drops the old graph; a rolled-back one keeps it', {
  skip,
}, async () => {
  const path = join(directory, 'reindex.sqlite');
  const database = await openDatabase(path);
  const store = new SqliteVectorStore<Meta>(database, true, graphOptions);
  await store.upsert(records(allRows));
  await store.search({ namespace, vector: queries[0] as Float32Array, topK: k });
  const oldFiles = graphFiles(path);

  // A reindex that fails half-way: nothing changes, the graph still answers.
  assert.throws(() =>
    database.transaction(() => {
      store.dropAllInTransaction();
      throw new Error('embedding engine went away');
    })(),
  );
  store.invalidate();
  assert.equal((await store.search({ namespace, vector: queries[0] as Float32Array, topK: k })).length, k);
  assert.equal(store.graphOf(namespace)?.report.how, 'loaded');

  // A reindex at 64 dimensions (Matryoshka truncation): the graph is rebuilt at the new size.
  const small = 64;
  const smallData = syntheticVectors({ kind: 'clustered', count, dimensions: small, seed: 5, clusters: 30 });
  database.transaction(() => {
    store.dropAllInTransaction();
    store.upsertInTransaction(
      allRows.map((row) => ({
        id: idOf(row),
        namespace,
        vector: smallData.slice(row * small, (row + 1) * small),
        metadata: { group: row % 10 },
      })),
    );
  })();
  store.prepare(namespace);
  const query = smallData.slice(7 * small, 8 * small);
  const hits = await store.search({ namespace, vector: query, topK: k });
  assert.equal(hits[0]?.id, idOf(7));
  assert.equal(store.graphOf(namespace)?.dimensions, small);
  assert.equal(store.graphOf(namespace)?.report.how, 'built');
  await store.close();
  assert.ok(
    graphFiles(path).every((file) => !oldFiles.includes(file)),
    'the old graph file was removed',
  );
});
