import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Embedder } from '../embedding/embedder.js';
import { embeddingGemma } from '../embedding/model-profiles.js';
import { LexicalEmbeddingModel } from '../engines/lexical/lexical-embedding-model.js';
import { ingestDocuments } from '../ingest/ingest-documents.js';
import type { LoadedDocument } from '../spec/document-loader.js';
import type { SearchDescription } from '../spec/knowledge-admin.js';
import { SqliteKnowledgeBase } from '../stores/sqlite/sqlite-knowledge-base.js';
import { KnowledgeIndex } from './knowledge-index.js';
import { retrieve } from './retrieve.js';
import { resolveRoute } from './route.js';

// 400 travel-expense documents outrank 12 leave documents for a travel question; a filter to
// the leave documents must still return k of them, whichever way the vectors are searched.
const travel = Array.from(
  { length: 400 },
  (_, index): LoadedDocument => ({
    source: `/kb/finance/travel-${index}.md`,
    title: `Travel claim ${index}`,
    content: `Travel expense receipts for trip ${index}: hotel, train and taxi receipts, claimed within thirty days.`,
    category: 'Finance',
  }),
);
const leave = Array.from(
  { length: 12 },
  (_, index): LoadedDocument => ({
    source: `/kb/hr/leave-${index}.md`,
    title: `Leave rule ${index}`,
    content: `Leave rule ${index}: annual leave while on a business trip; travel days count as work days.`,
    category: 'HR',
    tags: index % 2 === 0 ? ['leave', 'even'] : ['leave'],
  }),
);

const modes: Array<{ mode: SearchDescription['method']; vectorSearch: { exactUpTo?: number; graphFrom?: number } }> = [
  { mode: 'exact', vectorSearch: {} },
  { mode: 'funnel', vectorSearch: { exactUpTo: 0, graphFrom: Number.MAX_SAFE_INTEGER } },
  { mode: 'graph', vectorSearch: { exactUpTo: 0, graphFrom: 0 } },
];

test('filters apply inside every search mode (exact, funnel, graph): top k are k of the allowed documents', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'gemma-rag-filters-'));
  t.after(() => rm(directory, { recursive: true, force: true }));
  const file = join(directory, 'kb.db');
  const embedder = new Embedder({ model: new LexicalEmbeddingModel(), profile: embeddingGemma });
  const writer = await SqliteKnowledgeBase.open(file);
  await ingestDocuments({ knowledgeBase: writer, embedder, documents: [...travel, ...leave] });
  await writer.close();
  const question = 'travel expense receipts for a trip';
  for (const { mode, vectorSearch } of modes) {
    const store = await SqliteKnowledgeBase.open(file, { vectorSearch });
    try {
      const index = new KnowledgeIndex(embedder, store);
      await store.prepareSearch();
      const described = await store.describeSearch();
      if (mode === 'graph' && described.method !== 'graph') {
        t.diagnostic('usearch is not installed: the graph mode falls back to the funnel here');
      } else {
        assert.equal(described.method, mode);
      }
      for (const route of ['flat', 'hybrid', 'two-stage'] as const) {
        const unfiltered = await retrieve(index, question, {
          route: resolveRoute({ mode: route, topK: 10 }),
          thresholds: { category: 0, document: 0 },
        });
        assert.ok(
          unfiltered.scores.documents.every((document) => document.category === 'Finance'),
          `${mode}/${route}: unfiltered, travel claims fill the top 10`,
        );
        const filtered = await retrieve(index, question, {
          route: resolveRoute({ mode: route, topK: 10, tags: ['leave'] }),
          thresholds: { category: 0, document: 0 },
        });
        const titles = filtered.scores.documents.map((document) => document.title);
        const expected = route === 'two-stage' ? 12 : 10;
        assert.equal(titles.length, expected, `${mode}/${route}: ${titles.join(', ')}`);
        assert.ok(
          titles.every((title) => title.startsWith('Leave rule')),
          `${mode}/${route}`,
        );
        const both = await retrieve(index, question, {
          route: resolveRoute({
            mode: route,
            topK: 10,
            tags: ['even'],
            documents: ['Leave rule 2', 'leave-4.md', 'leave-5.md'],
          }),
          thresholds: { category: 0, document: 0 },
        });
        assert.deepEqual(
          both.scores.documents.map((document) => document.title).sort(),
          ['Leave rule 2', 'Leave rule 4'],
          `${mode}/${route}: documents AND tags (leave-5 is odd)`,
        );
      }
    } finally {
      await store.close();
    }
  }
});
