import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { inProcessEngines } from '../engines/registry.js';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { exampleKnowledgeBasePath, loadKnowledgeBaseFile } from '../knowledge/load-knowledge-base.js';
import { openCachedExample } from './example-cache.js';
import { chooseKnowledgeSource, openForQuestions } from './knowledge-source.js';
import { createRag, type Rag } from './rag.js';

let directory: string;
let example: KnowledgeBase;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gemma-rag-example-cache-'));
  example = await loadKnowledgeBaseFile(exampleKnowledgeBasePath);
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** The lexical stand-in, counting every text the engine is asked to embed. */
async function countingRag(dimensions?: number): Promise<{ rag: Rag; embedded: () => number }> {
  let count = 0;
  const rag = await createRag(
    { engine: 'lexical', ...(dimensions ? { dimensions } : {}) },
    {
      engines: {
        ...inProcessEngines,
        loadEmbeddingModel: async (context) => {
          const loaded = await inProcessEngines.loadEmbeddingModel(context);
          const embed = loaded.model.embed.bind(loaded.model);
          loaded.model.embed = (input) => {
            count += input.values.length;
            return embed(input);
          };
          return loaded;
        },
      },
    },
  );
  return { rag, embedded: () => count };
}

async function askOnce(rag: Rag, cache: string, knowledgeBase = example, path = exampleKnowledgeBasePath) {
  const builds: string[] = [];
  await using index = await openCachedExample(rag, { path, knowledgeBase }, cache, {
    onBuild: (file) => builds.push(file),
  });
  const retrieval = await rag.retrieve(index, '如何重置密码？');
  return { builds, title: retrieval.document?.title };
}

test('the bundled example is embedded once per model, then reused', async () => {
  const cache = join(directory, 'reuse');
  const { rag, embedded } = await countingRag();
  await using _ = rag;
  const first = await askOnce(rag, cache);
  const afterFirst = embedded();
  assert.equal(first.builds.length, 1);
  assert.ok(afterFirst > 24, `the first ask embeds every document (${afterFirst} texts)`);
  assert.equal(first.title, '账户密码重置');

  const second = await askOnce(rag, cache);
  assert.deepEqual(second.builds, [], 'the second ask builds nothing');
  assert.equal(embedded() - afterFirst, 1, 'the second ask embeds only the question');
  assert.equal(second.title, '账户密码重置');
  assert.deepEqual(
    (await readdir(cache)).filter((name) => !name.endsWith('.db')),
    [],
    'no temporary or WAL files are left behind',
  );
});

test('a changed example re-embeds and replaces the old file; another model keeps its own', async () => {
  const cache = join(directory, 'changes');
  const { rag } = await countingRag();
  await using _ = rag;
  await askOnce(rag, cache);
  const [original] = await readdir(cache);

  const changed = structuredClone(example);
  const firstDocument = changed[0]?.documents[0];
  assert.ok(firstDocument);
  firstDocument.content += ' Updated.';
  const again = await askOnce(rag, cache, changed);
  assert.equal(again.builds.length, 1, 'a changed example is embedded again');
  const afterChange = await readdir(cache);
  assert.equal(afterChange.length, 1);
  assert.notEqual(afterChange[0], original, 'the old version is removed');

  const other = await countingRag(256);
  await using __ = other.rag;
  const resized = await askOnce(other.rag, cache, changed);
  assert.equal(resized.builds.length, 1, 'another model or size embeds its own copy');
  assert.equal((await readdir(cache)).length, 2);
  assert.deepEqual((await askOnce(rag, cache, changed)).builds, [], 'the first model still finds its copy');
});

test('a damaged file is rebuilt instead of failing the question', async () => {
  const cache = join(directory, 'damaged');
  const { rag } = await countingRag();
  await using _ = rag;
  await askOnce(rag, cache);
  const [name] = await readdir(cache);
  assert.ok(name);
  await writeFile(join(cache, name), '');
  const rebuilt = await askOnce(rag, cache);
  assert.equal(rebuilt.builds.length, 1);
  assert.equal(rebuilt.title, '账户密码重置');
});

test('only the bundled example is cached: --kb files and served (writable) indexes stay in memory', async () => {
  const home = join(directory, 'home');
  const environment = { GEMMA_RAG_HOME: home };
  const { rag } = await countingRag();
  await using _ = rag;
  const bundled = await chooseKnowledgeSource(environment, {});
  assert.equal(bundled.kind === 'json' && bundled.cacheDirectory, join(home, 'examples'));
  const named = await chooseKnowledgeSource(environment, { kb: exampleKnowledgeBasePath });
  assert.equal(named.kind === 'json' && named.cacheDirectory, undefined);

  await (await openForQuestions(rag, bundled, { writable: true })).close();
  await assert.rejects(readdir(join(home, 'examples')), /ENOENT/);
  await (await openForQuestions(rag, bundled)).close();
  assert.equal((await readdir(join(home, 'examples'))).length, 1);
});

test('a build a killed run left behind is swept once it is old; one in progress is left alone', async () => {
  const cache = join(directory, 'litter');
  await mkdir(cache, { recursive: true });
  const old = join(cache, 'example-aaaa-bbbb.db.123-dead.tmp');
  const fresh = join(cache, 'example-aaaa-bbbb.db.456-live.tmp');
  await writeFile(old, 'half');
  await writeFile(fresh, 'half');
  const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
  await utimes(old, twoHoursAgo, twoHoursAgo);
  const { rag } = await countingRag();
  await using _ = rag;
  await askOnce(rag, cache);
  const names = await readdir(cache);
  assert.ok(!names.includes('example-aaaa-bbbb.db.123-dead.tmp'), 'the abandoned build is removed');
  assert.ok(names.includes('example-aaaa-bbbb.db.456-live.tmp'), 'a build that may still be running stays');
});
