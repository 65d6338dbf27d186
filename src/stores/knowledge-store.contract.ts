import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordingEmbeddingModel } from '../../test/fixtures/fake-models.js';
import { Embedder } from '../embedding/embedder.js';
import { embeddingGemma } from '../embedding/model-profiles.js';
import { stampFor } from '../ingest/embedding-stamp-check.js';
import { ingestDocuments } from '../ingest/ingest-documents.js';
import { reindexKnowledgeBase } from '../ingest/reindex.js';
import { errorCodes } from '../spec/errors.js';
import type { KnowledgeStore } from '../spec/knowledge-store.js';
import {
  corpus,
  document,
  healthy,
  type KnowledgeStoreContractOptions,
  lexical,
  storeCase,
} from '../testing/knowledge-store-fixtures.js';
import type { KnowledgeLocation } from './knowledge-location.js';
import { knowledgeSearchContract } from './knowledge-search.contract.js';

import { openKnowledgeStore } from './open-knowledge-store.js';

/**
 * What every knowledge store must do, run by each store's test file with its own locations
 * (src/stores/sqlite/sqlite-knowledge-base.test.ts, src/stores/postgres/postgres-knowledge-base.test.ts),
 * so that SQLite and PostgreSQL cannot drift apart.
 */
export function knowledgeStoreContract(name: string, options: KnowledgeStoreContractOptions): void {
  const withStore = (title: string, body: (store: KnowledgeStore, location: KnowledgeLocation) => Promise<void>) =>
    storeCase(name, options, title, body);

  withStore('documents, categories and the stamp are stored and read back', async (store) => {
    assert.equal(await store.isEmpty(), true);
    assert.equal(await store.readStamp(), undefined);
    const embedder = lexical();
    const report = await ingestDocuments({
      knowledgeBase: store,
      embedder,
      documents: corpus,
      categoryDescriptions: { 人事: '休假、工资、入职' },
    });
    assert.deepEqual(report, { added: 7, updated: 0, unchanged: 0, removed: 0, chunksEmbedded: 7 });
    assert.deepEqual(await store.readStamp(), stampFor(embedder));
    assert.deepEqual(await store.listCategories(), [
      { name: 'Finance', documents: 2, chunks: 2, pages: 0 },
      { name: 'IT & Security', documents: 3, chunks: 3, pages: 0 },
      { name: '人事', documents: 2, chunks: 2, pages: 0 },
    ]);
    assert.deepEqual(
      (await store.categories()).map(({ name, description }) => ({ name, description })),
      [
        { name: 'Finance', description: '' },
        { name: 'IT & Security', description: '' },
        { name: '人事', description: '休假、工资、入职' },
      ],
    );
    assert.deepEqual(
      (await store.listDocuments('人事')).map(({ id, title, chunks, pages }) => ({ id, title, chunks, pages })),
      [
        { id: 4, title: '年假', chunks: 1, pages: null },
        { id: 5, title: '有給休暇', chunks: 1, pages: null },
      ],
    );
    for (const listed of await store.listDocuments()) {
      assert.ok(Math.abs(Date.parse(listed.ingestedAt) - Date.now()) < 3_600_000, `ingestedAt ${listed.ingestedAt}`);
    }
    const [shown] = await store.documentsByTitle('重置密码');
    assert.deepEqual(shown, {
      id: 2,
      title: '重置密码',
      category: 'IT & Security',
      source: '/kb/it/密码.md',
      tags: [],
      chunks: [{ position: 0, tokens: shown?.chunks[0]?.tokens, text: '请在自助门户重置密码。密码每九十天过期一次。' }],
    });
    assert.ok((shown?.chunks[0]?.tokens ?? 0) > 0);
    assert.deepEqual(await store.documentById(2), shown);
    assert.equal(await store.documentById(99), undefined);
    assert.equal((await store.findDocument('/kb/hr/年假.md'))?.id, 4);
    assert.equal(await store.findDocument('/nowhere'), undefined);
    assert.deepEqual(
      await store.chunkPassages(['chunk:6:0', 'chunk:99:0']),
      new Map([['chunk:6:0', { text: corpus[5]?.content, source: corpus[5]?.source, location: undefined }]]),
    );
    assert.equal(await store.vectors.count('chunks'), 7);
    assert.equal(await store.vectors.count('categories'), 3);
    assert.deepEqual(await store.checkIntegrity(), healthy);
    assert.equal(await store.isEmpty(), false);
  });

  withStore('pages and chunk locations are stored and read back for citations', async (store) => {
    const embedder = lexical();
    const texts = ['Leave is fifteen days.', 'Apply two weeks ahead.'];
    const vectors = await embedder.embedMany(texts, { prompt: { kind: 'named', name: 'document' } });
    const [category] = await embedder.embedMany(['HR'], { prompt: { kind: 'named', name: 'Classification' } });
    const locations = [{ pages: { from: 1, to: 2 }, headings: ['3 Leave', '3.2 Annual'] }, undefined];
    await store.writeDocument(
      {
        source: '/kb/hr/handbook.pdf',
        title: 'Handbook',
        contentHash: 'h',
        pages: 12,
        category: { name: 'HR', description: '', vector: category as Float32Array },
        chunks: texts.map((text, position) => ({
          position,
          text,
          tokens: 8,
          vector: vectors[position] as Float32Array,
          location: locations[position],
        })),
      },
      stampFor(embedder),
    );
    assert.deepEqual(await store.listCategories(), [{ name: 'HR', documents: 1, chunks: 2, pages: 12 }]);
    assert.equal((await store.listDocuments())[0]?.pages, 12);
    assert.deepEqual((await store.documentById(1))?.chunks, [
      { position: 0, tokens: 8, text: texts[0], location: locations[0] },
      { position: 1, tokens: 8, text: texts[1] },
    ]);
    assert.deepEqual(
      await store.chunkPassages(['chunk:1:0', 'chunk:1:1']),
      new Map([
        ['chunk:1:0', { text: texts[0], source: '/kb/hr/handbook.pdf', location: locations[0] }],
        ['chunk:1:1', { text: texts[1], source: '/kb/hr/handbook.pdf', location: undefined }],
      ]),
    );
  });

  withStore('what is stored survives closing and reopening', async (store, location) => {
    await ingestDocuments({ knowledgeBase: store, embedder: lexical(), documents: corpus.slice(0, 2) });
    await store.writeSetting('thresholds', '{"category":0.3}');
    const again = await openKnowledgeStore(location);
    try {
      assert.equal((await again.listDocuments()).length, 2);
      assert.equal(await again.readSetting('thresholds'), '{"category":0.3}');
      assert.deepEqual(await again.readStamp(), stampFor(lexical()));
    } finally {
      await again.close();
    }
  });

  withStore('re-ingesting unchanged documents embeds nothing; a changed one alone is re-embedded', async (store) => {
    const model = new RecordingEmbeddingModel(8, 10_000, 100);
    const embedder = new Embedder({ model, profile: embeddingGemma });
    await ingestDocuments({ knowledgeBase: store, embedder, documents: corpus });
    model.calls.length = 0;
    const unchanged = await ingestDocuments({ knowledgeBase: store, embedder, documents: corpus });
    assert.deepEqual(unchanged, { added: 0, updated: 0, unchanged: 7, removed: 0, chunksEmbedded: 0 });
    assert.deepEqual(model.calls, []);
    const changed = corpus.map((item, index) => (index === 5 ? { ...item, content: 'Claims need a manager.' } : item));
    const report = await ingestDocuments({ knowledgeBase: store, embedder, documents: changed });
    assert.deepEqual(report, { added: 0, updated: 1, unchanged: 6, removed: 0, chunksEmbedded: 1 });
    assert.deepEqual(model.calls.flat(), ['title: Travel expenses | text: Claims need a manager.']);
    assert.equal((await store.documentById(6))?.chunks[0]?.text, 'Claims need a manager.');
    assert.deepEqual(await store.checkIntegrity(), healthy);
  });

  withStore('a description change re-embeds only its category, the same way reindex embeds it', async (store) => {
    const model = new RecordingEmbeddingModel(8, 10_000, 100);
    const embedder = new Embedder({ model, profile: embeddingGemma });
    await ingestDocuments({
      knowledgeBase: store,
      embedder,
      documents: corpus,
      categoryDescriptions: { 人事: '休假' },
    });
    model.calls.length = 0;
    await ingestDocuments({
      knowledgeBase: store,
      embedder,
      documents: corpus,
      categoryDescriptions: { 人事: '休假、工资' },
    });
    const ingestCall = model.calls.flat();
    assert.deepEqual(ingestCall, ['task: classification | query: 人事: 休假、工资']);
    assert.equal((await store.findCategory('人事'))?.description, '休假、工资');
    model.calls.length = 0;
    await reindexKnowledgeBase({ knowledgeBase: store, embedder });
    assert.ok(model.calls.flat().includes(ingestCall[0] as string), 'reindex embeds the category text ingest embedded');
  });

  withStore('prune removes documents whose files are gone, and categories left empty', async (store) => {
    const embedder = lexical();
    await ingestDocuments({ knowledgeBase: store, embedder, documents: corpus });
    const kept = corpus.filter((item) => !item.source.startsWith('/kb/finance/'));
    const report = await ingestDocuments({
      knowledgeBase: store,
      embedder,
      documents: kept,
      prune: { paths: ['/kb'], isStillPresent: (source) => kept.some((item) => item.source === source) },
    });
    assert.equal(report.removed, 2);
    assert.deepEqual(
      (await store.listCategories()).map((category) => category.name),
      ['IT & Security', '人事'],
    );
    assert.equal(await store.vectors.count('categories'), 2);
    assert.deepEqual(await store.keywordSearch('receipts', { namespace: 'chunks', limit: 5 }), []);
    assert.deepEqual(await store.checkIntegrity(), healthy);
  });

  withStore('another model or size is refused before anything is written, naming both', async (store) => {
    await ingestDocuments({ knowledgeBase: store, embedder: lexical(), documents: corpus.slice(0, 3) });
    const smaller = lexical(256);
    await assert.rejects(
      ingestDocuments({ knowledgeBase: store, embedder: smaller, documents: corpus }),
      (error: { code: string; message: string }) => {
        assert.equal(error.code, errorCodes.knowledgeBaseMismatch);
        assert.match(error.message, /768 of 768 dimensions/);
        assert.match(error.message, /256 of 768 dimensions/);
        assert.ok(error.message.includes(`gemma-rag reindex --db ${store.location}`));
        return true;
      },
    );
    // The store checks again inside the write, whatever the caller checked before.
    const stray = await smaller.embedMany(['x'], { prompt: { kind: 'named', name: 'document' } });
    await assert.rejects(
      store.writeDocument(
        {
          source: '/stray',
          title: 'Stray',
          contentHash: 'h',
          category: { name: 'IT & Security', description: '' },
          chunks: [{ position: 0, text: 'x', tokens: 3, vector: stray[0] as Float32Array }],
        },
        stampFor(smaller),
      ),
      { code: errorCodes.knowledgeBaseMismatch },
    );
    assert.equal((await store.listDocuments()).length, 3);
    assert.deepEqual(await store.checkIntegrity(), healthy);
  });

  withStore('reindex replaces every vector and the stamp; a failed one leaves the old ones', async (store) => {
    await ingestDocuments({ knowledgeBase: store, embedder: lexical(), documents: corpus });
    await store.writeSetting('thresholds', '{"category":0.3,"document":0.3}');
    const before = await store.readStamp();
    const broken = new RecordingEmbeddingModel(768, 10_000, 1);
    let calls = 0;
    broken.output = (values) => {
      calls++;
      if (calls > 4) throw new Error('engine crashed');
      return values.map(() => new Float32Array(768).fill(1));
    };
    await assert.rejects(
      reindexKnowledgeBase({
        knowledgeBase: store,
        embedder: new Embedder({ model: broken, profile: embeddingGemma }),
      }),
      /engine crashed/,
    );
    assert.deepEqual(await store.readStamp(), before);
    assert.equal(await store.readSetting('thresholds'), '{"category":0.3,"document":0.3}');
    const unit = new Float32Array(768).fill(1 / Math.sqrt(768));
    const hits = await store.vectors.search({ namespace: 'chunks', vector: unit, topK: 10 });
    assert.equal(hits.length, 7);
    assert.ok(
      hits.every((hit) => hit.score < 0.99),
      'a vector from the failed reindex survived',
    );
    const smaller = lexical(256);
    assert.deepEqual(await reindexKnowledgeBase({ knowledgeBase: store, embedder: smaller }), {
      categories: 3,
      chunks: 7,
    });
    assert.equal((await store.readStamp())?.dimensions, 256);
    assert.equal(await store.readSetting('thresholds'), undefined, 'thresholds of the old scale are dropped');
    const query = await smaller.embedQuery('重置密码', { promptName: 'Retrieval-query' });
    assert.equal((await store.vectors.search({ namespace: 'chunks', vector: query, topK: 1 }))[0]?.id, 'chunk:2:0');
    const again = await ingestDocuments({ knowledgeBase: store, embedder: smaller, documents: corpus });
    assert.equal(again.unchanged, 7);
    assert.deepEqual(await store.checkIntegrity(), healthy);
  });

  withStore('bad input is refused with a clear error, and nothing stored is lost', async (store) => {
    const embedder = lexical();
    await ingestDocuments({ knowledgeBase: store, embedder, documents: corpus.slice(0, 2) });
    const stamp = stampFor(embedder);
    const [vector] = await embedder.embedMany(['x'], { prompt: { kind: 'named', name: 'document' } });
    const write = {
      source: '/new',
      title: 'New',
      contentHash: 'h',
      category: { name: 'IT & Security', description: '' },
      chunks: [{ position: 0, text: 'x', tokens: 3, vector: vector as Float32Array }],
    };
    await assert.rejects(store.writeDocument({ ...write, category: { name: 'Brand new', description: '' } }, stamp), {
      code: errorCodes.engineFailure,
    });
    await assert.rejects(
      store.writeDocument(
        { ...write, chunks: [{ position: 0, text: 'x', tokens: 3, vector: Float32Array.of(1, 0, 0) }] },
        stamp,
      ),
      { code: errorCodes.invalidDimensions },
    );
    await assert.rejects(
      store.writeDocument(
        { ...write, chunks: [{ position: 0, text: 'x', tokens: 3, vector: new Float32Array(768).fill(Number.NaN) }] },
        stamp,
      ),
      { code: errorCodes.invalidArgument },
    );
    await assert.rejects(store.removeCategory('No such category'), { code: errorCodes.notFound });
    assert.equal(await store.removeDocuments([999]), 0);
    assert.equal(
      await store.writeCategory({ name: 'No such category', description: 'x', vector: vector as Float32Array }, stamp),
      false,
    );
    assert.deepEqual(await store.keywordSearch(' ,。！ ', { namespace: 'chunks', limit: 5 }), []);
    assert.deepEqual(await store.keywordSearch('password', { namespace: 'chunks', limit: 0 }), []);
    assert.deepEqual(
      (await store.listDocuments()).map((item) => item.id),
      [1, 2],
    );
    assert.equal(await store.findDocument('/new'), undefined);
    assert.deepEqual(await store.checkIntegrity(), healthy);
  });

  withStore('names with SQL metacharacters and quotes are just text', async (store) => {
    const hostile = "'; DROP TABLE documents; -- \\ \" ' OR 1=1";
    await ingestDocuments({
      knowledgeBase: store,
      embedder: lexical(),
      documents: [
        document('/x#1', hostile, "It's a \\backslash and a 'quote'.", hostile),
        document('/x#2', hostile, 'Second text.', hostile),
      ],
    });
    assert.deepEqual(await store.listCategories(), [{ name: hostile, documents: 2, chunks: 2, pages: 0 }]);
    assert.equal((await store.documentsByTitle(hostile)).length, 2);
    assert.deepEqual(
      (await store.keywordSearch("it's backslash quote", { namespace: 'chunks', limit: 5 })).map((hit) => hit.id),
      ['chunk:1:0'],
    );
    assert.equal(await store.removeCategory(hostile), 2);
    assert.equal(await store.isEmpty(), true);
    assert.deepEqual(await store.checkIntegrity(), healthy);
  });

  test(`${name}: a location without a knowledge base is refused unless asked to create one`, async () => {
    await assert.rejects(openKnowledgeStore(await options.newLocation()), { code: errorCodes.invalidKnowledgeBase });
  });

  knowledgeSearchContract(name, options);
}
