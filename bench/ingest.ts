/**
 * Ingest throughput, by hand (not part of the test suite):
 *   node --import tsx bench/ingest.ts [--documents 2000] [--engine lexical|llama-cpp] [--embedding-model PATH] [--json]
 * Writes a synthetic multilingual Markdown corpus, ingests it into a fresh SQLite file,
 * re-ingests it unchanged, then changes one file and ingests again. Prints a table.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRag } from '../src/app/rag.js';
import { loadPaths } from '../src/knowledge/loaders/read-source.js';
import { SqliteKnowledgeBase } from '../src/stores/sqlite/sqlite-knowledge-base.js';
import { writeTinyEmbeddingGemma } from '../test/fixtures/tiny-models.js';

const { values } = parseArgs({
  options: {
    documents: { type: 'string', default: '2000' },
    engine: { type: 'string', default: 'lexical' },
    'embedding-model': { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const documentCount = Number(values.documents);
const directory = await mkdtemp(join(tmpdir(), 'gemma-rag-bench-ingest-'));
const corpus = join(directory, 'corpus');

const zh = '员工应当遵守公司的信息安全规定，定期更换密码，不要把账户借给他人使用。';
const en =
  'Employees must follow the information security policy, change passwords regularly and never share accounts. ';
const ja = '社員は情報セキュリティ規程を守り、パスワードを定期的に変更し、アカウントを他人と共有しないでください。';
for (let index = 0; index < documentCount; index++) {
  const folder = join(corpus, `category-${index % 8}`);
  await mkdir(folder, { recursive: true });
  const body = Array.from(
    { length: 8 },
    (_, paragraph) => `${[zh, en, ja][(index + paragraph) % 3]} (${index}.${paragraph})`,
  ).join('\n\n');
  await writeFile(join(folder, `document-${index}.md`), `# Document ${index}\n\n${body}\n`);
}

let embeddingModel = values['embedding-model'];
if (values.engine === 'llama-cpp' && !embeddingModel) embeddingModel = await writeTinyEmbeddingGemma(directory);
const rag = await createRag({
  engine: values.engine as 'lexical' | 'llama-cpp',
  ...(embeddingModel ? { embeddingModel } : {}),
  ...(values.threads ? { threads: Number(values.threads) } : {}),
  gpu: false,
});
const store = await SqliteKnowledgeBase.open(join(directory, 'bench.db'));

async function timedIngest() {
  const started = performance.now();
  const loaded = await loadPaths([corpus]);
  const report = await rag.ingestFiles(store, { source: { documents: loaded.documents } });
  return { ...report, milliseconds: performance.now() - started };
}

const first = await timedIngest();
const unchanged = await timedIngest();
await writeFile(join(corpus, 'category-0', 'document-0.md'), `# Document 0\n\n${en} changed\n`);
const oneChanged = await timedIngest();
const chunks = (await store.listCategories()).reduce((sum, category) => sum + category.chunks, 0);
const rows = [
  { run: 'first ingest', ...first },
  { run: 're-ingest, unchanged', ...unchanged },
  { run: 're-ingest, one file changed', ...oneChanged },
].map((row) => ({
  run: row.run,
  documents: documentCount,
  added: row.added,
  updated: row.updated,
  unchanged: row.unchanged,
  chunksEmbedded: row.chunksEmbedded,
  seconds: Number((row.milliseconds / 1000).toFixed(2)),
  chunksPerSecond: row.chunksEmbedded > 0 ? Number((row.chunksEmbedded / (row.milliseconds / 1000)).toFixed(1)) : null,
}));
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
const engine = `${rag.embedder.model.label} ${embeddingModel ? `(${embeddingModel.split('/').at(-1)})` : ''}`.trim();
if (values.json) {
  console.log(JSON.stringify({ machine, engine, chunksStored: chunks, rows }, null, 2));
} else {
  console.log(`engine: ${engine}; ${chunks} chunks stored; ${machine.cpus} × ${machine.cpu}, Node ${machine.node}\n`);
  console.log('| run | added | updated | unchanged | chunks embedded | seconds | chunks/s |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    console.log(
      `| ${row.run} | ${row.added} | ${row.updated} | ${row.unchanged} | ${row.chunksEmbedded} | ${row.seconds} | ${row.chunksPerSecond ?? '–'} |`,
    );
  }
  console.log(
    `\nre-ingest speed-up (unchanged vs first): ${(first.milliseconds / unchanged.milliseconds).toFixed(1)}×`,
  );
}
await store.close();
await rag.dispose();
await rm(directory, { recursive: true, force: true });
