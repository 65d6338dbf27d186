import assert from 'node:assert/strict';
import { l2Normalize } from '../embedding/vector-math.js';
import { errorCodes } from '../spec/errors.js';
import type { VectorRecord, VectorStore } from '../spec/vector-store.js';
import { contractCase } from '../testing/contract-case.js';

export interface VectorStoreContractOptions {
  /** Creates an empty store; called once per case. */
  create: () => Promise<VectorStore<{ label: string }>>;
}

function unit(...values: number[]): Float32Array {
  return l2Normalize(Float32Array.from(values));
}

function record(id: string, vector: Float32Array, namespace = 'documents'): VectorRecord<{ label: string }> {
  return { id, namespace, vector, metadata: { label: id } };
}

/**
 * The behaviour every VectorStore must have. Each implementation's test file calls this
 * with its own factory, so the in-memory and persistent stores cannot drift apart.
 */
export function vectorStoreContract(name: string, options: VectorStoreContractOptions): void {
  const withStore = (title: string, body: (store: VectorStore<{ label: string }>) => Promise<void>) =>
    contractCase(`${name}: ${title}`, undefined, options.create, (store) => store.close(), body);

  withStore('search ranks by cosine similarity, best first, with scores', async (store) => {
    await store.upsert([record('far', unit(0, 1, 0)), record('near', unit(1, 0.1, 0)), record('exact', unit(1, 0, 0))]);
    const hits = await store.search({ namespace: 'documents', vector: unit(1, 0, 0), topK: 3 });
    assert.deepEqual(
      hits.map((hit) => hit.id),
      ['exact', 'near', 'far'],
    );
    assert.ok(Math.abs((hits[0]?.score ?? 0) - 1) < 1e-6);
    assert.ok(Math.abs(hits[2]?.score ?? 1) < 1e-6);
    assert.deepEqual(hits[0]?.metadata, { label: 'exact' });
  });

  withStore('topK limits the results; topK 0 gives none', async (store) => {
    await store.upsert([record('a', unit(1, 0)), record('b', unit(0, 1)), record('c', unit(1, 1))]);
    assert.equal((await store.search({ namespace: 'documents', vector: unit(1, 0), topK: 2 })).length, 2);
    assert.equal((await store.search({ namespace: 'documents', vector: unit(1, 0), topK: 0 })).length, 0);
  });

  withStore('equal scores are ordered by id, whatever the insertion order', async (store) => {
    await store.upsert([record('b', unit(1, 0)), record('a', unit(1, 0)), record('c', unit(1, 0))]);
    const hits = await store.search({ namespace: 'documents', vector: unit(1, 0), topK: 3 });
    assert.deepEqual(
      hits.map((hit) => hit.id),
      ['a', 'b', 'c'],
    );
  });

  withStore('namespaces are separate vector spaces', async (store) => {
    await store.upsert([record('category', unit(1, 0), 'categories'), record('document', unit(1, 0, 0))]);
    const hits = await store.search({ namespace: 'categories', vector: unit(1, 0), topK: 10 });
    assert.deepEqual(
      hits.map((hit) => hit.id),
      ['category'],
    );
    assert.equal(await store.count('categories'), 1);
    assert.equal(await store.count('documents'), 1);
    assert.equal(await store.count(), 2);
    assert.deepEqual(await store.search({ namespace: 'nothing', vector: unit(1, 0), topK: 5 }), []);
  });

  withStore('filters see metadata', async (store) => {
    await store.upsert([record('keep', unit(0, 1)), record('drop', unit(1, 0))]);
    const hits = await store.search({
      namespace: 'documents',
      vector: unit(1, 0),
      topK: 5,
      filter: (metadata) => metadata.label === 'keep',
    });
    assert.deepEqual(
      hits.map((hit) => hit.id),
      ['keep'],
    );
  });

  withStore('where keeps records whose metadata field has one of the listed values, best first', async (store) => {
    await store.upsert([
      record('a', unit(1, 0)),
      record('b', unit(1, 0.2)),
      record('c', unit(1, 0.4)),
      record('d', unit(0, 1)),
    ]);
    const hits = await store.search({
      namespace: 'documents',
      vector: unit(1, 0),
      topK: 5,
      where: { label: ['d', 'b', 'missing'] },
    });
    assert.deepEqual(
      hits.map((hit) => hit.id),
      ['b', 'd'],
    );
    const both = await store.search({
      namespace: 'documents',
      vector: unit(1, 0),
      topK: 5,
      where: { label: ['a', 'b', 'c'] },
      filter: (metadata) => metadata.label !== 'a',
    });
    assert.deepEqual(
      both.map((hit) => hit.id),
      ['b', 'c'],
    );
    assert.deepEqual(
      await store.search({ namespace: 'documents', vector: unit(1, 0), topK: 5, where: { label: [] } }),
      [],
    );
  });

  withStore('a filter that keeps few records still gets topK of them when there are enough', async (store) => {
    await store.upsert(
      Array.from({ length: 60 }, (_, index) =>
        record(`r${String(index).padStart(2, '0')}`, unit(1, index / 60, (index % 7) / 7)),
      ),
    );
    const hits = await store.search({
      namespace: 'documents',
      vector: unit(0, 1, 0),
      topK: 3,
      filter: (metadata) => metadata.label.endsWith('0'),
    });
    assert.deepEqual(
      hits.map((hit) => hit.id),
      ['r50', 'r40', 'r30'],
    );
  });

  withStore('upsert replaces a record with the same id', async (store) => {
    await store.upsert([record('a', unit(1, 0))]);
    await store.upsert([{ ...record('a', unit(0, 1)), metadata: { label: 'second' } }]);
    const hits = await store.search({ namespace: 'documents', vector: unit(0, 1), topK: 5 });
    assert.equal(hits.length, 1);
    assert.equal(hits[0]?.metadata.label, 'second');
    assert.ok((hits[0]?.score ?? 0) > 0.999);
  });

  withStore("stored vectors are copies: mutating the caller's array changes nothing", async (store) => {
    const vector = unit(1, 0);
    await store.upsert([record('a', vector)]);
    vector.fill(0);
    const hits = await store.search({ namespace: 'documents', vector: unit(1, 0), topK: 1 });
    assert.ok((hits[0]?.score ?? 0) > 0.999);
  });

  withStore('delete removes by id, ignores unknown ids and reports the count', async (store) => {
    await store.upsert([record('a', unit(1, 0)), record('b', unit(0, 1))]);
    assert.equal(await store.delete(['a', 'missing']), 1);
    assert.equal(await store.count(), 1);
    assert.deepEqual(
      (await store.search({ namespace: 'documents', vector: unit(1, 0), topK: 5 })).map((hit) => hit.id),
      ['b'],
    );
  });

  withStore('a batch with a wrong-sized vector is refused whole; what was stored survives', async (store) => {
    await store.upsert([record('old', unit(1, 0))]);
    await assert.rejects(store.upsert([record('new', unit(0, 1)), record('bad', unit(1, 0, 0))]), {
      code: errorCodes.invalidDimensions,
    });
    assert.equal(await store.count(), 1);
    assert.deepEqual(
      (await store.search({ namespace: 'documents', vector: unit(1, 0), topK: 5 })).map((hit) => hit.id),
      ['old'],
    );
  });

  withStore('non-finite vectors are refused', async (store) => {
    await assert.rejects(store.upsert([record('nan', Float32Array.of(Number.NaN, 1))]), {
      code: errorCodes.invalidArgument,
    });
    assert.equal(await store.count(), 0);
  });

  withStore('searching with a wrong-sized query is an error, not a silent partial score', async (store) => {
    await store.upsert([record('a', unit(1, 0))]);
    await assert.rejects(store.search({ namespace: 'documents', vector: unit(1, 0, 0), topK: 1 }), {
      code: errorCodes.invalidDimensions,
    });
  });
}
