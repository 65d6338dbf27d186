import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedEmbeddingModel } from '../../test/fixtures/fake-models.js';
import { Embedder } from '../embedding/embedder.js';
import { embeddingGemma } from '../embedding/model-profiles.js';
import { ingestDocuments } from '../ingest/ingest-documents.js';
import type { LoadedDocument } from '../spec/document-loader.js';
import { SqliteKnowledgeBase } from '../stores/sqlite/sqlite-knowledge-base.js';
import { KnowledgeIndex } from './knowledge-index.js';
import { retrieve } from './retrieve.js';
import { resolveRoute } from './route.js';

const thresholds = { category: 0.4, document: 0.4 };
const document = (title: string, content: string, category: string): LoadedDocument => ({
  source: `/kb/${category}/${title}`,
  title,
  content,
  category,
});

async function indexWith(
  embedder: Embedder,
  documents: LoadedDocument[],
  categoryDescriptions?: Record<string, string>,
) {
  const store = await SqliteKnowledgeBase.open(':memory:');
  await ingestDocuments({ knowledgeBase: store, embedder, documents, categoryDescriptions });
  return { store, index: new KnowledgeIndex(embedder, store) };
}

test('keyword search: a Chinese query finds a Chinese chunk that shares only a two-character word', async () => {
  const embedder = new Embedder({ model: new KeyedEmbeddingModel(2, [], [1, 0]), profile: embeddingGemma });
  const { store } = await indexWith(embedder, [
    document('费用', '每月的差旅费用须在次月初提交报销申请，并附上发票。', '财务'),
    document('会议室', '大会议室在十楼，需要提前在日历中预订。', '行政'),
    document('Leave', 'Annual leave is twelve days.', 'HR'),
  ]);
  const hits = await store.keywordSearch('怎么报销？', { namespace: 'chunks', limit: 10 });
  assert.equal(hits.length, 1);
  const passages = await store.chunkPassages(hits.map((hit) => hit.id));
  assert.match([...passages.values()][0]?.text ?? '', /报销申请/);
  assert.equal((await store.keywordSearch('猫の飼い方', { namespace: 'chunks', limit: 10 })).length, 0);
  assert.equal((await store.keywordSearch('annual LEAVE', { namespace: 'chunks', limit: 10 })).length, 1);
  await store.close();
});

test('keyword terms follow ingest: a changed document no longer matches its old words; a removed one not at all', async () => {
  const embedder = new Embedder({ model: new KeyedEmbeddingModel(2, [], [1, 0]), profile: embeddingGemma });
  const original = document('VPN', '连接 VPN 前请先安装客户端。', 'Network');
  const { store } = await indexWith(embedder, [original, document('Wi-Fi', '访客网络的密码每周更换。', 'Network')]);
  assert.equal((await store.keywordSearch('客户端', { namespace: 'chunks', limit: 10 })).length, 1);
  await ingestDocuments({
    knowledgeBase: store,
    embedder,
    documents: [{ ...original, content: '远程办公请使用公司电脑。' }],
  });
  assert.equal((await store.keywordSearch('客户端', { namespace: 'chunks', limit: 10 })).length, 0);
  assert.equal((await store.keywordSearch('远程办公', { namespace: 'chunks', limit: 10 })).length, 1);
  const id = (await store.findDocument(original.source))?.id as number;
  await store.removeDocuments([id]);
  assert.equal((await store.keywordSearch('远程办公', { namespace: 'chunks', limit: 10 })).length, 0);
  assert.equal((await store.keywordSearch('密码', { namespace: 'categories', limit: 10 })).length, 0);
  assert.equal((await store.keywordSearch('network', { namespace: 'categories', limit: 10 })).length, 1);
  await store.close();
});

test('hybrid: when vectors cannot tell documents apart, keywords decide; vector-only cannot', async () => {
  // Every text gets the same vector: cosine ties everywhere.
  const embedder = new Embedder({ model: new KeyedEmbeddingModel(2, [], [1, 0]), profile: embeddingGemma });
  const { store, index } = await indexWith(
    embedder,
    [
      document('A', 'Bake bread at 220 degrees.', 'Kitchen'),
      document('B', 'Reset your password at the portal.', 'IT'),
      document('C', 'Water the tomatoes daily.', 'Garden'),
    ],
    { IT: 'passwords, accounts, laptops' },
  );
  const vectorOnly = await retrieve(index, 'password reset', { route: resolveRoute({ mode: 'flat' }), thresholds });
  assert.equal(vectorOnly.document?.title, 'A', 'ties fall back to storage order');
  const hybrid = await retrieve(index, 'password reset', { route: resolveRoute({ mode: 'hybrid' }), thresholds });
  assert.equal(hybrid.hybrid, true);
  assert.equal(hybrid.document?.title, 'B');
  assert.ok((hybrid.scores.documents[0]?.keywordScore ?? 0) > 0);
  // In two stages, keywords over category names and descriptions pick the category too.
  const twoStage = await retrieve(index, 'password reset', {
    route: resolveRoute({ mode: 'two-stage', hybrid: true }),
    thresholds,
  });
  assert.equal(twoStage.category?.name, 'IT');
  assert.equal(twoStage.scores.categories[0]?.keywordScore !== undefined, true);
  assert.equal(twoStage.document?.title, 'B');
  const seedRoute = await retrieve(index, 'password reset', { route: resolveRoute({ mode: 'two-stage' }), thresholds });
  assert.equal(seedRoute.category?.name, 'Garden', 'without keywords the tie goes to the first category by id');
  await store.close();
});

test('category fallback: a near tie in stage 1 searches the runner-up too', async () => {
  // Question ~ both categories (0.60 vs 0.58); the answer lives in the runner-up.
  const model = new KeyedEmbeddingModel(
    3,
    [
      { match: 'classification | query: Q', vector: [1, 0, 0] },
      { match: 'query: Alpha', vector: [0.6, 0.8, 0] },
      { match: 'query: Beta', vector: [0.58, 0, Math.sqrt(1 - 0.58 ** 2)] },
      { match: 'search result | query: Q', vector: [0, 0, 1] },
      { match: 'text: alpha doc', vector: [0.3, Math.sqrt(1 - 0.09), 0] },
      { match: 'text: beta doc', vector: [0, Math.sqrt(1 - 0.81), 0.9] },
    ],
    [0, 1, 0],
  );
  const embedder = new Embedder({ model, profile: embeddingGemma });
  const { store, index } = await indexWith(embedder, [
    document('in alpha', 'alpha doc', 'Alpha'),
    document('in beta', 'beta doc', 'Beta'),
  ]);
  const seed = await retrieve(index, 'Q', { route: resolveRoute({ mode: 'two-stage' }), thresholds });
  assert.equal(seed.category?.name, 'Alpha');
  assert.equal(seed.refusal, 'document-below-threshold');
  const fallback = await retrieve(index, 'Q', {
    route: resolveRoute({ mode: 'two-stage', categoryFallback: 2, categoryMargin: 0.05 }),
    thresholds,
  });
  assert.deepEqual(fallback.searchedCategories, ['Alpha', 'Beta']);
  assert.equal(fallback.document?.title, 'in beta');
  assert.ok(Math.abs((fallback.document?.score ?? 0) - 0.9) < 1e-6);
  const tooNarrow = await retrieve(index, 'Q', {
    route: resolveRoute({ mode: 'two-stage', categoryFallback: 2, categoryMargin: 0.01 }),
    thresholds,
  });
  assert.deepEqual(tooNarrow.searchedCategories, ['Alpha']);
  await store.close();
});

test('relative cut-off drops documents far below the best', async () => {
  const model = new KeyedEmbeddingModel(
    2,
    [
      { match: 'query: Q', vector: [1, 0] },
      { match: 'text: best', vector: [0.9, Math.sqrt(1 - 0.81)] },
      { match: 'text: close', vector: [0.85, Math.sqrt(1 - 0.85 ** 2)] },
      { match: 'text: far', vector: [0.5, Math.sqrt(0.75)] },
    ],
    [0, 1],
  );
  const { store, index } = await indexWith(new Embedder({ model, profile: embeddingGemma }), [
    document('best', 'best', 'X'),
    document('close', 'close', 'X'),
    document('far', 'far', 'X'),
  ]);
  const all = await retrieve(index, 'Q', { route: resolveRoute({ mode: 'flat' }), thresholds });
  assert.equal(all.scores.documents.length, 3);
  const cut = await retrieve(index, 'Q', { route: resolveRoute({ mode: 'flat', relativeCutoff: 0.8 }), thresholds });
  assert.deepEqual(
    cut.scores.documents.map((entry) => entry.title),
    ['best', 'close'],
  );
  await store.close();
});

test('two-stage with keywords: a category that wins on keywords but misses the gate does not hide one that reaches it', async () => {
  // Stage 1 cosines: Alpha 0.42 (no shared words), Beta 0.39 (its description shares "printer"):
  // a near tie, so fusion ranks Beta first; the gate (0.4) applies to the first category that reaches it: Alpha.
  const model = new KeyedEmbeddingModel(
    3,
    [
      { match: 'classification | query: printer jam', vector: [1, 0, 0] },
      { match: 'query: Alpha', vector: [0.42, Math.sqrt(1 - 0.42 ** 2), 0] },
      { match: 'query: Beta', vector: [0.39, 0, Math.sqrt(1 - 0.39 ** 2)] },
      { match: 'search result | query: printer jam', vector: [0, 1, 0] },
      { match: 'text: clear the tray', vector: [0, 0.9, Math.sqrt(0.19)] },
      { match: 'text: toner orders', vector: [0, 0.3, Math.sqrt(0.91)] },
    ],
    [0, 0, 1],
  );
  const { store, index } = await indexWith(
    new Embedder({ model, profile: embeddingGemma }),
    [document('Tray', 'clear the tray', 'Alpha'), document('Toner', 'toner orders', 'Beta')],
    { Beta: 'printer help' },
  );
  const route = resolveRoute({ mode: 'two-stage', hybrid: true });
  const result = await retrieve(index, 'printer jam', { route, thresholds });
  assert.deepEqual(
    result.scores.categories.map((category) => category.name),
    ['Beta', 'Alpha'],
    'fusion puts the keyword match first',
  );
  assert.equal(result.category?.name, 'Alpha');
  assert.deepEqual(result.searchedCategories, ['Alpha']);
  assert.equal(result.document?.title, 'Tray');
  // With both below the gate, stage 1 refuses.
  const strict = await retrieve(index, 'printer jam', { route, thresholds: { category: 0.5, document: 0.4 } });
  assert.equal(strict.refusal, 'category-below-threshold');
  await store.close();
});

test('hybrid: the answer is the first fused document whose cosine reaches the gate, not a keyword-only winner', async () => {
  const model = new KeyedEmbeddingModel(
    2,
    [
      { match: 'search result | query: vpn token', vector: [1, 0] },
      { match: 'text: vpn token vpn token', vector: [0.38, Math.sqrt(1 - 0.38 ** 2)] },
      { match: 'text: remote access', vector: [0.41, Math.sqrt(1 - 0.41 ** 2)] },
    ],
    [0, 1],
  );
  const { store, index } = await indexWith(new Embedder({ model, profile: embeddingGemma }), [
    document('Keywords', 'vpn token vpn token', 'IT'),
    document('Meaning', 'remote access', 'IT'),
  ]);
  const result = await retrieve(index, 'vpn token', { route: resolveRoute({ mode: 'hybrid' }), thresholds });
  assert.equal(result.scores.documents[0]?.title, 'Keywords', 'a near tie: keywords rank it first');
  assert.equal(result.document?.title, 'Meaning', 'but only a document that reaches 0.4 is answered from');
  await store.close();
});

test('hybrid: keywords reorder only near ties; they never overturn a clear semantic winner', async () => {
  const model = new KeyedEmbeddingModel(
    2,
    [
      { match: 'search result | query: vpn token', vector: [1, 0] },
      { match: 'text: vpn token vpn token', vector: [0.5, Math.sqrt(1 - 0.25)] },
      { match: 'text: remote access', vector: [0.7, Math.sqrt(1 - 0.49)] },
    ],
    [0, 1],
  );
  const { store, index } = await indexWith(new Embedder({ model, profile: embeddingGemma }), [
    document('Keywords', 'vpn token vpn token', 'IT'),
    document('Meaning', 'remote access', 'IT'),
  ]);
  const result = await retrieve(index, 'vpn token', { route: resolveRoute({ mode: 'hybrid' }), thresholds });
  assert.deepEqual(
    result.scores.documents.map((entry) => entry.title),
    ['Meaning', 'Keywords'],
    '0.7 vs 0.5 is not a tie: cosine order stands',
  );
  assert.ok((result.scores.documents[1]?.keywordScore ?? 0) > 0);
  await store.close();
});
