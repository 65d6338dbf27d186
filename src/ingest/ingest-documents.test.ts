import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Embedder } from '../embedding/embedder.js';
import { embeddingGemma } from '../embedding/model-profiles.js';
import { LexicalEmbeddingModel } from '../engines/lexical/lexical-embedding-model.js';
import type { LoadedDocument } from '../spec/document-loader.js';
import { SqliteKnowledgeBase } from '../stores/sqlite/sqlite-knowledge-base.js';
import { isUsearchAvailable } from '../stores/vector-index/optional-libraries.js';
import { ingestDocuments } from './ingest-documents.js';
import { reindexKnowledgeBase } from './reindex.js';

let directory: string;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gemma-rag-ingest-'));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

const lexical = () => new Embedder({ model: new LexicalEmbeddingModel(), profile: embeddingGemma });
const document = (source: string, title: string, content: string, category = 'IT'): LoadedDocument => ({
  source,
  title,
  content,
  category,
});
// What ingest and reindex do to any store (incremental ingest, prune, stamps, reindex rollback,
// descriptions) is the knowledge-store contract's (src/stores/knowledge-store.contract.ts), run
// on SQLite and PostgreSQL alike. Here: what is particular to the SQLite store's search graph.

test('ingest and reindex build the search graph of a large knowledge base, with progress, before any question', {
  skip: !isUsearchAvailable() && 'the optional usearch package is not installed',
}, async () => {
  const path = join(directory, 'graph.db');
  // A low threshold stands in for 50,000 chunks.
  const store = await SqliteKnowledgeBase.open(path, { vectorSearch: { graphFrom: 20 } });
  const documents = Array.from({ length: 30 }, (_, index) =>
    document(`/kb/${index}.md`, `Note ${index}`, `Topic ${index}: ${'word '.repeat(index % 7)}policy ${index}.`),
  );
  const progress: Array<[number, number]> = [];
  await ingestDocuments({
    knowledgeBase: store,
    embedder: lexical(),
    documents,
    onIndexProgress: (done, total) => progress.push([done, total]),
  });
  const built = store.vectors.describe('chunks');
  assert.equal(built.method, 'graph');
  assert.ok(built.graph?.file, 'the graph file exists right after ingest');
  assert.deepEqual(progress.at(-1), [30, 30]);
  assert.deepEqual(progress[0], [0, 30]);

  // Reindex drops the graph with the old vectors and builds the new one straight after.
  progress.length = 0;
  await reindexKnowledgeBase({
    knowledgeBase: store,
    embedder: lexical(),
    onIndexProgress: (done, total) => progress.push([done, total]),
  });
  const rebuilt = store.vectors.describe('chunks');
  assert.ok(rebuilt.graph?.file && rebuilt.graph.file !== built.graph?.file, 'a new graph file');
  assert.deepEqual(progress.at(-1), [30, 30]);
  await store.close();
});
