import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RecordingEmbeddingModel } from '../../test/fixtures/fake-models.js';
import { Embedder } from '../embedding/embedder.js';
import { embeddingGemma } from '../embedding/model-profiles.js';
import { LexicalEmbeddingModel } from '../engines/lexical/lexical-embedding-model.js';
import type { LoadedDocument } from '../spec/document-loader.js';
import { errorCodes } from '../spec/errors.js';
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
const corpus = [
  document('/kb/a.md', 'Passwords', 'Reset your password at the portal.'),
  document('/kb/b.md', 'Software', 'Request software in the service portal.'),
  document('/kb/c.md', 'Leave', 'Twelve days of annual leave.', 'HR'),
];

async function freshStore(name: string) {
  return SqliteKnowledgeBase.open(join(directory, `${name}.db`));
}

test('first ingest adds everything; re-ingesting unchanged documents embeds nothing', async () => {
  const store = await freshStore('unchanged');
  const model = new RecordingEmbeddingModel(8, 10_000, 100);
  const embedder = new Embedder({ model, profile: embeddingGemma });
  const first = await ingestDocuments({ knowledgeBase: store, embedder, documents: corpus });
  assert.deepEqual(first, { added: 3, updated: 0, unchanged: 0, removed: 0, chunksEmbedded: 3 });
  const callsAfterFirst = model.calls.length;
  const second = await ingestDocuments({ knowledgeBase: store, embedder, documents: corpus });
  assert.deepEqual(second, { added: 0, updated: 0, unchanged: 3, removed: 0, chunksEmbedded: 0 });
  assert.equal(model.calls.length, callsAfterFirst, 'an unchanged corpus must not be embedded again');
  await store.close();
});

test('changing one document re-embeds only it', async () => {
  const store = await freshStore('changed');
  const model = new RecordingEmbeddingModel(8, 10_000, 100);
  const embedder = new Embedder({ model, profile: embeddingGemma });
  await ingestDocuments({ knowledgeBase: store, embedder, documents: corpus });
  model.calls.length = 0;
  const changed = [
    corpus[0],
    { ...(corpus[1] as LoadedDocument), content: 'Software requests need approval.' },
    corpus[2],
  ] as LoadedDocument[];
  const report = await ingestDocuments({ knowledgeBase: store, embedder, documents: changed });
  assert.deepEqual(report, { added: 0, updated: 1, unchanged: 2, removed: 0, chunksEmbedded: 1 });
  assert.deepEqual(model.calls.flat(), ['title: Software | text: Software requests need approval.']);
  assert.equal((await store.documentsByTitle('Software'))[0]?.chunks[0]?.text, 'Software requests need approval.');
  await store.close();
});

test('prune removes documents whose sources are gone, and their empty categories', async () => {
  const store = await freshStore('prune');
  const embedder = lexical();
  await ingestDocuments({ knowledgeBase: store, embedder, documents: corpus });
  const remaining = corpus.slice(0, 2);
  const sources = new Set(remaining.map((item) => item.source));
  const report = await ingestDocuments({
    knowledgeBase: store,
    embedder,
    documents: remaining,
    prune: { paths: ['/kb'], isStillPresent: (source) => sources.has(source) },
  });
  assert.equal(report.removed, 1);
  assert.deepEqual(
    (await store.listCategories()).map((category) => category.name),
    ['IT'],
  );
  assert.deepEqual(await store.checkIntegrity(), {
    integrityCheck: 'ok',
    chunksWithoutVectors: 0,
    vectorsWithoutOwners: 0,
    documentsWithoutChunks: 0,
    categoriesWithoutVectors: 0,
    keywordRowsOutOfStep: 0,
  });
  await store.close();
});

test('duplicate titles in a category are both kept; SQL metacharacters are just text', async () => {
  const store = await freshStore('hostile-names');
  const category = "'; DROP TABLE documents; --";
  await ingestDocuments({
    knowledgeBase: store,
    embedder: lexical(),
    documents: [document('/x#1', 'Same', 'First text.', category), document('/x#2', 'Same', 'Second text.', category)],
  });
  assert.deepEqual(await store.listCategories(), [{ name: category, documents: 2, chunks: 2 }]);
  assert.equal((await store.documentsByTitle('Same')).length, 2);
  await store.close();
});

test('a knowledge base refuses a different model or dimension, naming both and suggesting reindex', async () => {
  const path = join(directory, 'stamp.db');
  const store = await SqliteKnowledgeBase.open(path);
  await ingestDocuments({ knowledgeBase: store, embedder: lexical(), documents: corpus });
  const other = new Embedder({ model: new LexicalEmbeddingModel(), profile: embeddingGemma, dimensions: 256 });
  await assert.rejects(
    ingestDocuments({ knowledgeBase: store, embedder: other, documents: corpus }),
    (error: { code: string; message: string }) => {
      assert.equal(error.code, errorCodes.knowledgeBaseMismatch);
      assert.match(error.message, /768 of 768 dimensions/);
      assert.match(error.message, /256 of 768 dimensions/);
      assert.match(error.message, new RegExp(`gemma-rag reindex --db ${path}`));
      return true;
    },
  );
  // Nothing was written by the refused run.
  assert.equal((await store.listDocuments()).length, 3);
  const report = await reindexKnowledgeBase({ knowledgeBase: store, embedder: other });
  assert.deepEqual(report, { categories: 2, chunks: 3 });
  const after = await ingestDocuments({ knowledgeBase: store, embedder: other, documents: corpus });
  assert.equal(after.unchanged, 3);
  assert.equal((await store.readStamp())?.dimensions, 256);
  await store.close();
});

test('a failed reindex leaves the old vectors and stamp in place', async () => {
  const store = await freshStore('reindex-fail');
  await ingestDocuments({ knowledgeBase: store, embedder: lexical(), documents: corpus });
  const before = await store.readStamp();
  const broken = new RecordingEmbeddingModel(768, 10_000, 1);
  let calls = 0;
  broken.output = (values) => {
    calls++;
    if (calls > 2) throw new Error('engine crashed');
    return values.map(() => new Float32Array(768).fill(1));
  };
  await assert.rejects(
    reindexKnowledgeBase({ knowledgeBase: store, embedder: new Embedder({ model: broken, profile: embeddingGemma }) }),
    /engine crashed/,
  );
  assert.deepEqual(await store.readStamp(), before);
  const hits = await store.vectors.search({ namespace: 'chunks', vector: new Float32Array(768).fill(1), topK: 10 });
  assert.ok(
    hits.every((hit) => hit.score < 0.99),
    'a vector from the failed reindex survived',
  );
  await store.close();
});

test('a category description change re-embeds only the category', async () => {
  const store = await freshStore('descriptions');
  const model = new RecordingEmbeddingModel(8, 10_000, 100);
  const embedder = new Embedder({ model, profile: embeddingGemma });
  await ingestDocuments({
    knowledgeBase: store,
    embedder,
    documents: corpus,
    categoryDescriptions: { IT: 'passwords' },
  });
  model.calls.length = 0;
  const report = await ingestDocuments({
    knowledgeBase: store,
    embedder,
    documents: corpus,
    categoryDescriptions: { IT: 'passwords, software' },
  });
  assert.equal(report.unchanged, 3);
  assert.deepEqual(model.calls.flat(), ['task: classification | query: IT: passwords, software']);
  assert.equal((await store.findCategory('IT'))?.description, 'passwords, software');
  await store.close();
});

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
