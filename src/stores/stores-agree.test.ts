import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshSchema, postgresTargets } from '../../test/fixtures/test-postgres.js';
import { ingestDocuments } from '../ingest/ingest-documents.js';
import type { KnowledgeStore } from '../spec/knowledge-store.js';
import { corpus, lexical } from '../testing/knowledge-store-fixtures.js';
import { openKnowledgeStore } from './open-knowledge-store.js';

// SQLite ranks keywords with FTS5's bm25(); PostgreSQL computes the same formula in SQL
// (postgres-keyword-search.ts). Two places that must agree: this test holds them together,
// score for score, and does the same for cosine scores.
const queries = [
  '如何重置密码？',
  '有給休暇の申請',
  'How do I reset my password?',
  '申请 receipts 报销',
  'VPN クライアント',
  'travel expense claims within thirty days',
  '员工 年假 申请 两周',
];
const descriptions = {
  'IT & Security': 'passwords, accounts, 密码, VPN',
  人事: '休假、工资、入职',
  Finance: 'expenses, 报销',
};

async function filled(store: KnowledgeStore): Promise<KnowledgeStore> {
  await ingestDocuments({
    knowledgeBase: store,
    embedder: lexical(),
    documents: corpus,
    categoryDescriptions: descriptions,
  });
  return store;
}

function assertSameHits(
  label: string,
  left: ReadonlyArray<{ id: string; score: number }>,
  right: ReadonlyArray<{ id: string; score: number }>,
  tolerance: number,
): void {
  assert.deepEqual(
    right.map((hit) => hit.id),
    left.map((hit) => hit.id),
    label,
  );
  left.forEach((hit, index) => {
    const other = right[index]?.score ?? Number.NaN;
    assert.ok(
      Math.abs(hit.score - other) <= tolerance * Math.max(1, Math.abs(hit.score)),
      `${label}: ${hit.score} vs ${other}`,
    );
  });
}

for (const target of postgresTargets()) {
  test(`SQLite and ${target.name} rank keywords and vectors alike, score for score`, async () => {
    const sqlite = await filled(await openKnowledgeStore({ kind: 'sqlite', path: ':memory:' }, { create: true }));
    const postgres = await filled(await openKnowledgeStore(freshSchema(target.url, 'agree'), { create: true }));
    try {
      let compared = 0;
      for (const query of queries) {
        for (const options of [
          { namespace: 'chunks' as const, limit: 10 },
          { namespace: 'chunks' as const, limit: 10, categories: ['人事', 'Finance'] },
          { namespace: 'categories' as const, limit: 10 },
        ]) {
          const expected = await sqlite.keywordSearch(query, options);
          compared += expected.length;
          assertSameHits(
            `${query} ${JSON.stringify(options)}`,
            expected,
            await postgres.keywordSearch(query, options),
            1e-9,
          );
        }
        const vector = await lexical().embedQuery(query, { promptName: 'Retrieval-query' });
        for (const where of [undefined, { category: ['IT & Security'] }]) {
          const search = { namespace: 'chunks', vector, topK: 7, where };
          assertSameHits(
            `${query} vectors`,
            await sqlite.vectors.search(search),
            await postgres.vectors.search(search),
            1e-5,
          );
        }
      }
      assert.ok(compared > 20, `only ${compared} keyword hits compared`);
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  });
}
