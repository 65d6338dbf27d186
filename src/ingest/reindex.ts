import type { Embedder } from '../embedding/embedder.js';
import { documentPrompt } from '../embedding/prompts.js';
import { categoryText } from '../knowledge/knowledge-base.js';
import { calibrationSettingKey } from '../retrieval/calibration-record.js';
import { throwIfAborted } from '../spec/errors.js';
import { categoryNamespace, chunkNamespace } from '../spec/knowledge-store.js';
import { categoryVectorId, type SqliteKnowledgeBase } from '../stores/sqlite/sqlite-knowledge-base.js';
import { stampFor } from './embedding-stamp-check.js';

export interface ReindexOptions {
  knowledgeBase: SqliteKnowledgeBase;
  embedder: Embedder;
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** Called while a large knowledge base's search graph is rebuilt, with counts of vectors. */
  onIndexProgress?: ((done: number, total: number) => void) | undefined;
  abortSignal?: AbortSignal | undefined;
}

/**
 * Re-embeds every category and chunk with the current model and dimensions, from the
 * text the knowledge base keeps. One transaction: if anything fails or the process dies,
 * the old vectors and stamp are still there, never a mix.
 */
export async function reindexKnowledgeBase(options: ReindexOptions): Promise<{ categories: number; chunks: number }> {
  const { knowledgeBase, embedder } = options;
  const categories = knowledgeBase.categories();
  const chunks = knowledgeBase.allChunks();
  const total = categories.length + chunks.length;
  const counts = await knowledgeBase.inTransaction(async () => {
    options.onProgress?.(0, total);
    knowledgeBase.dropAllVectors();
    const categoryVectors = await embedder.embedMany(
      categories.map((category) =>
        categoryText({ category: category.name, description: category.description, documents: [] }),
      ),
      { prompt: { kind: 'named', name: 'Classification' }, abortSignal: options.abortSignal },
    );
    categories.forEach((category, index) => {
      knowledgeBase.replaceVector(
        categoryVectorId(category.name),
        categoryNamespace,
        categoryVectors[index] as Float32Array,
        {
          kind: 'category',
          category: category.name,
        },
      );
    });
    let done = categories.length;
    options.onProgress?.(done, total);
    const batchSize = 64;
    for (let start = 0; start < chunks.length; start += batchSize) {
      throwIfAborted(options.abortSignal);
      const batch = chunks.slice(start, start + batchSize);
      const vectors = await embedder.embedMany(
        batch.map((chunk) => ({ text: chunk.text, prompt: documentPrompt(chunk.title) })),
        { prompt: documentPrompt(undefined), abortSignal: options.abortSignal },
      );
      batch.forEach((chunk, index) => {
        knowledgeBase.replaceVector(chunk.vectorId, chunkNamespace, vectors[index] as Float32Array, {
          kind: 'chunk',
          category: chunk.category,
          documentId: chunk.documentId,
          title: chunk.title,
          position: chunk.position,
        });
      });
      done += batch.length;
      options.onProgress?.(done, total);
    }
    knowledgeBase.setStamp(stampFor(embedder));
    // Calibrated thresholds were measured on the old vectors' scale; recalibrate after a reindex.
    knowledgeBase.deleteMeta(calibrationSettingKey);
    return { categories: categories.length, chunks: chunks.length };
  });
  // After the commit: a large knowledge base gets its graph rebuilt now, not on the first question.
  knowledgeBase.prepareSearch(options.onIndexProgress);
  return counts;
}
