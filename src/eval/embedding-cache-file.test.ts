import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporaryFolder } from '../../test/fixtures/temporary-files.js';
import { CachingEmbeddingModel } from '../embedding/caching-embedding-model.js';
import { LexicalEmbeddingModel } from '../engines/lexical/lexical-embedding-model.js';
import { loadEmbeddingCache, saveEmbeddingCache } from './embedding-cache-file.js';

test('vectors saved by one run are reused by the next, bit for bit, for the same model only', async (t) => {
  const folder = await temporaryFolder(t);
  const path = join(folder, 'vectors.jsonl');
  const first = new CachingEmbeddingModel(new LexicalEmbeddingModel());
  const { embeddings } = await first.embed({ values: ['年假有几天？', 'annual leave'] });
  await saveEmbeddingCache(first, path);
  // Another model's line and a damaged line are kept and skipped respectively.
  await writeFile(
    path,
    `${await readFile(path, 'utf8')}{"fingerprint":"other","input":"x","vector":"AAAA"}\nnot json\n`,
  );
  const second = new CachingEmbeddingModel(new LexicalEmbeddingModel());
  assert.equal(await loadEmbeddingCache(second, path), 2);
  const again = await second.embed({ values: ['年假有几天？', 'annual leave'] });
  assert.deepEqual(second.stats, { embedded: 0, reused: 2 });
  assert.deepEqual(again.embeddings, embeddings);
  await saveEmbeddingCache(second, path);
  assert.match(await readFile(path, 'utf8'), /"fingerprint":"other"/);
});

test('a missing cache file is an empty cache, and saving it makes its folder (a fresh machine has none)', async (t) => {
  const folder = await temporaryFolder(t);
  const model = new CachingEmbeddingModel(new LexicalEmbeddingModel());
  const path = join(folder, 'not', 'yet', 'vectors.jsonl');
  assert.equal(await loadEmbeddingCache(model, path), 0);
  await model.embed({ values: ['年假有几天？'] });
  await saveEmbeddingCache(model, path);
  assert.equal(await loadEmbeddingCache(new CachingEmbeddingModel(new LexicalEmbeddingModel()), path), 1);
});
