import assert from 'node:assert/strict';
import { Embedder } from '../embedding/embedder.js';
import { embeddingGemma } from '../embedding/model-profiles.js';
import { LexicalEmbeddingModel } from '../engines/lexical/lexical-embedding-model.js';
import { ingestDocuments } from '../ingest/ingest-documents.js';
import { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import { retrieve } from '../retrieval/retrieve.js';
import { resolveRoute } from '../retrieval/route.js';
import { errorCodes } from '../spec/errors.js';
import type { KeywordHit, KnowledgeStore } from '../spec/knowledge-store.js';
import {
  corpus,
  healthy,
  type KnowledgeStoreContractOptions,
  lexical,
  storeCase,
} from '../testing/knowledge-store-fixtures.js';
import { openKnowledgeStore } from './open-knowledge-store.js';

const ids = (hits: readonly KeywordHit[]) => hits.map((hit) => hit.id);

function assertRanked(hits: readonly KeywordHit[]): void {
  for (const [index, hit] of hits.entries()) {
    assert.ok(hit.score > 0 && Number.isFinite(hit.score), `score ${hit.score}`);
    const next = hits[index + 1];
    if (next)
      assert.ok(hit.score > next.score || (hit.score === next.score && hit.id < next.id), 'best first, ties by id');
  }
}

/** Searching: keywords in zh, ja and en, filters by category, retrieval end to end, two processes at once. */
export function knowledgeSearchContract(name: string, options: KnowledgeStoreContractOptions): void {
  const withCorpus = (title: string, body: (store: KnowledgeStore) => Promise<void>) =>
    storeCase(name, options, title, async (store) => {
      await ingestDocuments({
        knowledgeBase: store,
        embedder: lexical(),
        documents: corpus,
        categoryDescriptions: {
          'IT & Security': 'passwords, accounts, 密码, VPN',
          人事: '休假、工资、入职',
          Finance: 'expenses, invoices, 报销',
        },
      });
      await body(store);
    });

  withCorpus('keyword search finds Chinese, Japanese and English words, best first', async (store) => {
    const chinese = await store.keywordSearch('如何重置密码？', { namespace: 'chunks', limit: 10 });
    assert.deepEqual(ids(chinese), ['chunk:2:0']);
    const japanese = await store.keywordSearch('有給休暇の申請', { namespace: 'chunks', limit: 10 });
    assert.equal(ids(japanese)[0], 'chunk:5:0');
    const english = await store.keywordSearch('How do I reset my PASSWORD?', { namespace: 'chunks', limit: 10 });
    assert.deepEqual(ids(english), ['chunk:1:0']);
    const shared = await store.keywordSearch('申请 receipts', { namespace: 'chunks', limit: 10 });
    assert.deepEqual([...ids(shared)].sort(), ['chunk:4:0', 'chunk:6:0', 'chunk:7:0']);
    for (const hits of [chinese, japanese, english, shared]) assertRanked(hits);
    assert.deepEqual(await store.keywordSearch('猫の飼い方', { namespace: 'chunks', limit: 10 }), []);
    assert.equal((await store.keywordSearch('申请 receipts', { namespace: 'chunks', limit: 2 })).length, 2);
  });

  withCorpus('keyword search over categories matches names and descriptions', async (store) => {
    assert.deepEqual(ids(await store.keywordSearch('工资', { namespace: 'categories', limit: 5 })), ['category:人事']);
    assert.deepEqual(ids(await store.keywordSearch('invoices', { namespace: 'categories', limit: 5 })), [
      'category:Finance',
    ]);
    assert.deepEqual(ids(await store.keywordSearch('security accounts', { namespace: 'categories', limit: 5 })), [
      'category:IT & Security',
    ]);
  });

  withCorpus('filters keep keyword and vector hits to the given categories', async (store) => {
    const finance = await store.keywordSearch('申请 receipts', {
      namespace: 'chunks',
      limit: 10,
      categories: ['Finance'],
    });
    assert.deepEqual([...ids(finance)].sort(), ['chunk:6:0', 'chunk:7:0']);
    assert.deepEqual(await store.keywordSearch('申请', { namespace: 'chunks', limit: 10, categories: [] }), []);
    const query = await lexical().embedQuery('申请', { promptName: 'Retrieval-query' });
    const vectorHits = await store.vectors.search({
      namespace: 'chunks',
      vector: query,
      topK: 10,
      where: { category: ['人事', 'Finance'] },
    });
    assert.deepEqual(vectorHits.map((hit) => hit.metadata.category).sort(), ['Finance', 'Finance', '人事', '人事']);
    const scored = await store.scoreChunks(['chunk:3:0', 'chunk:99:0'], query);
    assert.deepEqual(
      scored.map((hit) => hit.id),
      ['chunk:3:0'],
    );
    assert.deepEqual(scored[0]?.metadata, {
      kind: 'chunk',
      category: 'IT & Security',
      documentId: 3,
      title: 'VPN の接続',
      position: 0,
    });
  });

  const tagged: Record<string, string[]> = {
    '/kb/it/password.md': ['security', 'onboarding'],
    '/kb/hr/年假.md': ['leave'],
    '/kb/hr/有給.md': ['leave', '日本'],
    '/kb/finance/travel.md': ['travel'],
  };
  const withTags = (title: string, body: (store: KnowledgeStore) => Promise<void>) =>
    storeCase(name, options, title, async (store) => {
      const documents = corpus.map((item) => {
        const tags = tagged[item.source];
        return tags ? { ...item, tags } : item;
      });
      await ingestDocuments({ knowledgeBase: store, embedder: lexical(), documents });
      await body(store);
    });

  withTags(
    'filters name documents by title, source or file name, and by tag; unknown values are reported',
    async (store) => {
      const leave = await store.matchFilter({ tags: ['leave'] });
      assert.deepEqual(leave, {
        categories: ['人事'],
        documentIds: [4, 5],
        unknown: { categories: [], documents: [], tags: [] },
      });
      const named = await store.matchFilter({ documents: ['travel.md', '报销', '/kb/it/vpn.md', 'ravel.md', 'kb'] });
      assert.deepEqual(named.documentIds, [3, 6, 7]);
      assert.deepEqual(named.categories, ['Finance', 'IT & Security']);
      assert.deepEqual(named.unknown.documents.sort(), ['kb', 'ravel.md']);
      const both = await store.matchFilter({ categories: ['Finance', 'Nope'], tags: ['leave', 'missing'] });
      assert.deepEqual(both.documentIds, [], 'no Finance document is tagged leave');
      assert.deepEqual(both.unknown, { categories: ['Nope'], documents: [], tags: ['missing'] });
      const onlyCategories = await store.matchFilter({ categories: ['人事', 'Finance'] });
      assert.deepEqual(onlyCategories, {
        categories: ['Finance', '人事'].sort(),
        documentIds: null,
        unknown: { categories: [], documents: [], tags: [] },
      });
      const listed = await store.listDocuments('人事');
      assert.deepEqual(
        listed.map((item) => item.tags),
        [['leave'], ['leave', '日本']],
      );
      assert.deepEqual((await store.documentById(1))?.tags, ['security', 'onboarding']);
      assert.deepEqual((await store.documentById(2))?.tags, []);
      // Keyword search takes the filter's documents inside the query.
      const inLeave = await store.keywordSearch('申请 receipts', {
        namespace: 'chunks',
        limit: 10,
        documentIds: [4, 5],
      });
      assert.deepEqual(ids(inLeave), ['chunk:4:0']);
      assert.deepEqual(await store.keywordSearch('申请', { namespace: 'chunks', limit: 10, documentIds: [] }), []);
      const categoryHits = await store.keywordSearch('人事 finance', {
        namespace: 'categories',
        limit: 5,
        categories: ['Finance'],
      });
      assert.deepEqual(ids(categoryHits), ['category:Finance']);
    },
  );

  withTags('a filtered question is searched inside the filter: top k are k of the allowed documents', async (store) => {
    const index = new KnowledgeIndex(lexical(), store);
    const thresholds = { category: 0, document: 0 };
    for (const mode of ['flat', 'hybrid', 'two-stage'] as const) {
      const result = await retrieve(index, 'travel expense receipts', {
        route: resolveRoute({ mode, tags: ['LEAVE'], topK: 5 }),
        thresholds,
      });
      assert.deepEqual(
        result.scores.documents.map((item) => item.title).sort(),
        ['年假', '有給休暇'],
        `${mode}: both leave documents, nothing else`,
      );
      if (mode === 'two-stage')
        assert.deepEqual(
          result.scores.categories.map((item) => item.name),
          ['人事'],
        );
      const inFinance = await retrieve(index, '如何重置密码？', {
        route: resolveRoute({ mode, categories: ['Finance'], topK: 5 }),
        thresholds,
      });
      assert.ok(inFinance.scores.documents.length > 0, `${mode}: the category's documents are ranked`);
      assert.ok(
        inFinance.scores.documents.every((item) => item.category === 'Finance'),
        mode,
      );
    }
    await assert.rejects(
      retrieve(index, 'leave', { route: resolveRoute({ categories: ['Finanse'] }), thresholds }),
      (error: { code: string; message: string }) =>
        error.code === errorCodes.invalidArgument && error.message.includes('category "Finanse"'),
    );
    await assert.rejects(
      retrieve(index, 'leave', { route: resolveRoute({ categories: ['Finance'], tags: ['leave'] }), thresholds }),
      (error: { code: string; message: string }) =>
        error.code === errorCodes.invalidArgument && error.message.startsWith('No document passes all of the filter'),
    );
  });

  withTags("changing only a document's tags rewrites it; its tags filter at once", async (store) => {
    const retagged = corpus.map((item) =>
      item.source === '/kb/finance/报销.md' ? { ...item, tags: ['leave'] } : item,
    );
    const report = await ingestDocuments({ knowledgeBase: store, embedder: lexical(), documents: retagged });
    assert.equal(report.updated, 5, 'the 5 documents whose tags changed (4 lost theirs, 1 gained one)');
    assert.deepEqual((await store.matchFilter({ tags: ['leave'] })).documentIds, [7]);
  });

  withCorpus('retrieval picks the category, then the document, in both stages and with keywords', async (store) => {
    const index = new KnowledgeIndex(lexical(), store);
    const thresholds = { category: 0.05, document: 0.05 };
    for (const hybrid of [false, true]) {
      const result = await retrieve(index, '如何重置密码？', {
        route: resolveRoute({ mode: 'two-stage', hybrid }),
        thresholds,
      });
      assert.equal(result.category?.name, 'IT & Security');
      assert.equal(result.document?.title, '重置密码');
      assert.equal(result.context[0]?.text, corpus[1]?.content);
      const flat = await retrieve(index, 'travel expense receipts', {
        route: resolveRoute({ mode: hybrid ? 'hybrid' : 'flat' }),
        thresholds,
      });
      assert.equal(flat.document?.title, 'Travel expenses');
    }
    const refused = await retrieve(index, 'quantum chromodynamics lecture', {
      route: resolveRoute({ mode: 'two-stage' }),
      thresholds: { category: 0.5, document: 0.5 },
    });
    assert.equal(refused.document, null);
  });

  storeCase(
    name,
    options,
    'two handles on one store: each sees what the other committed, writing at once',
    async (store, location) => {
      const other = await openKnowledgeStore(location);
      try {
        await Promise.all([
          ingestDocuments({ knowledgeBase: store, embedder: lexical(), documents: corpus.slice(0, 4) }),
          ingestDocuments({ knowledgeBase: other, embedder: lexical(), documents: corpus.slice(4) }),
        ]);
        for (const handle of [store, other]) {
          assert.equal((await handle.listDocuments()).length, 7);
          assert.deepEqual(ids(await handle.keywordSearch('有給休暇', { namespace: 'chunks', limit: 5 })).length, 1);
          assert.deepEqual(await handle.checkIntegrity(), healthy);
        }
        const query = await lexical().embedQuery('报销', { promptName: 'Retrieval-query' });
        const fromOther = await other.vectors.search({ namespace: 'chunks', vector: query, topK: 7 });
        const fromFirst = await store.vectors.search({ namespace: 'chunks', vector: query, topK: 7 });
        assert.deepEqual(
          fromOther.map((hit) => hit.id),
          fromFirst.map((hit) => hit.id),
        );
        // A removal through one handle is gone for the other at once: no stale cache.
        const travel = await store.findDocument('/kb/finance/travel.md');
        assert.equal(await other.removeDocuments([travel?.id as number]), 1);
        assert.deepEqual(await store.keywordSearch('receipts', { namespace: 'chunks', limit: 5 }), []);
        assert.equal(
          (await store.vectors.search({ namespace: 'chunks', vector: query, topK: 10 })).length,
          6,
          'the other handle removed one chunk',
        );
        // A different model through the second handle is refused: the stamp is shared.
        const foreign = new Embedder({
          model: new LexicalEmbeddingModel({ dimensions: 512 }),
          profile: embeddingGemma,
        });
        await assert.rejects(ingestDocuments({ knowledgeBase: other, embedder: foreign, documents: corpus }), {
          code: errorCodes.knowledgeBaseMismatch,
        });
      } finally {
        await other.close();
      }
    },
  );
}
