import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticVectors } from '../../testing/synthetic-vectors.js';
import { MemoryVectorStore } from '../memory/memory-vector-store.js';
import { exactUpTo } from '../vector-index/search-plan.js';
import { vectorStoreContract } from '../vector-store.contract.js';
import { SqliteVectorStore } from './sqlite-vector-store.js';

vectorStoreContract('SqliteVectorStore', { create: () => SqliteVectorStore.open<{ label: string }>(':memory:') });

test('SqliteVectorStore: above the exact-scan size the funnel still finds the exact top 10, with filters', async () => {
  const dimensions = 768;
  const count = exactUpTo + 1000;
  const data = syntheticVectors({ kind: 'clustered', count, dimensions, seed: 7, clusters: 100 });
  const queries = syntheticVectors({ kind: 'clustered', count: 20, dimensions, seed: 8, centreSeed: 7, clusters: 100 });
  const store = await SqliteVectorStore.open<{ group: number }>(':memory:', { exactUpTo: exactUpTo });
  const memory = new MemoryVectorStore<{ group: number }>();
  const records = Array.from({ length: count }, (_, row) => ({
    id: `v${String(row).padStart(5, '0')}`,
    namespace: 'chunks',
    vector: data.subarray(row * dimensions, (row + 1) * dimensions),
    metadata: { group: row % 3 },
  }));
  await store.upsert(records);
  await memory.upsert(records);
  let found = 0;
  for (let query = 0; query < 20; query++) {
    const vector = queries.subarray(query * dimensions, (query + 1) * dimensions);
    const filter = (metadata: { group: number }) => metadata.group !== 1;
    const exact = await memory.search({ namespace: 'chunks', vector, topK: 10, filter });
    const fast = await store.search({ namespace: 'chunks', vector, topK: 10, filter });
    assert.ok(fast.every((hit) => hit.metadata.group !== 1));
    const expected = new Set(exact.map((hit) => hit.id));
    found += fast.filter((hit) => expected.has(hit.id)).length;
  }
  assert.ok(found / 200 >= 0.99, `recall@10 ${found / 200}`);
  await store.close();
});
