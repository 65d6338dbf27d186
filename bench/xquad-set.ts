/**
 * One XQuAD set, indexed by a real EmbeddingGemma and ready for retrieval, for the benches that
 * route every question of a set (support-gate.ts, focus-sentence.ts). A set is named `en`, `zh`
 * or `zh-en` (questions-paragraphs); with `cache`, vectors are kept per paragraph language in
 * `cache/xquad-vectors-<lang>.jsonl`, as `eval answers --embedding-cache` keeps them.
 */
import { join } from 'node:path';
import { createRag, type KnowledgeIndex, type Rag } from '../src/app/rag.js';
import type { RagConfig } from '../src/config.js';
import { CachingEmbeddingModel } from '../src/embedding/caching-embedding-model.js';
import { type AnswerSet, loadAnswerSet } from '../src/eval/answer-sets.js';
import { loadEmbeddingCache, saveEmbeddingCache } from '../src/eval/embedding-cache-file.js';

export interface XquadSetOptions {
  model: string;
  xquad: string;
  seed: number;
  threads: number;
  /** Folder of the per-language vector caches. */
  cache?: string | undefined;
  /** Answerable questions and questions about the 20% of articles left out. */
  answerable: number;
  unanswerable: number;
  /** More configuration (dimensions, the support threshold). */
  config?: RagConfig | undefined;
}

export async function withXquadSet<T>(
  name: string,
  options: XquadSetOptions,
  body: (rag: Rag, index: KnowledgeIndex, set: AnswerSet) => Promise<T>,
): Promise<T> {
  const [lang = 'en', kbLang = lang] = name.split('-');
  const rag = await createRag(
    { ...options.config, embeddingModel: options.model, threads: options.threads },
    { cacheEmbeddings: true },
  );
  const model = rag.embedder.model;
  const cacheFile = options.cache ? join(options.cache, `xquad-vectors-${kbLang}.jsonl`) : undefined;
  try {
    if (cacheFile && model instanceof CachingEmbeddingModel) await loadEmbeddingCache(model, cacheFile);
    const set = await loadAnswerSet({
      kind: 'xquad',
      directory: options.xquad,
      lang,
      kbLang,
      answerable: options.answerable,
      unanswerable: options.unanswerable,
      heldOut: 0.2,
      seed: options.seed,
    });
    const index = await rag.index(set.knowledgeBase, { origin: set.name });
    try {
      return await body(rag, index, set);
    } finally {
      await index.close();
      if (cacheFile && model instanceof CachingEmbeddingModel) await saveEmbeddingCache(model, cacheFile);
    }
  } finally {
    await rag.dispose();
  }
}
