import type { Embedder } from '../embedding/embedder.js';
import { documentPrompt } from '../embedding/prompts.js';
import { calibrationSettingKey } from '../retrieval/calibration-record.js';
import { throwIfAborted } from '../spec/errors.js';
import type { KnowledgeWriter, Progress } from '../spec/knowledge-writer.js';
import { embedCategories } from './category-vectors.js';
import { stampFor } from './embedding-stamp-check.js';

export interface ReindexOptions {
  knowledgeBase: KnowledgeWriter;
  embedder: Embedder;
  onProgress?: Progress | undefined;
  /** Called while a large knowledge base's search index is rebuilt, with counts of vectors. */
  onIndexProgress?: Progress | undefined;
  abortSignal?: AbortSignal | undefined;
}

const batchSize = 64;

/**
 * Re-embeds every category and chunk with the current model and dimensions, from the
 * text the knowledge base keeps. One transaction: if anything fails or the process dies,
 * the old vectors and stamp are still there, never a mix.
 */
export async function reindexKnowledgeBase(options: ReindexOptions): Promise<{ categories: number; chunks: number }> {
  const { knowledgeBase, embedder } = options;
  const categories = await knowledgeBase.categories();
  const chunks = await knowledgeBase.allChunks();
  const total = categories.length + chunks.length;
  await knowledgeBase.reembedAll(
    stampFor(embedder),
    async (reembedding) => {
      options.onProgress?.(0, total);
      const categoryVectors = await embedCategories(embedder, categories, options.abortSignal);
      await reembedding.writeCategoryVectors(
        categories.map((category, index) => ({ name: category.name, vector: categoryVectors[index] as Float32Array })),
      );
      let done = categories.length;
      options.onProgress?.(done, total);
      for (let start = 0; start < chunks.length; start += batchSize) {
        throwIfAborted(options.abortSignal);
        const batch = chunks.slice(start, start + batchSize);
        const vectors = await embedder.embedMany(
          batch.map((chunk) => ({ text: chunk.text, prompt: documentPrompt(chunk.title) })),
          { prompt: documentPrompt(undefined), abortSignal: options.abortSignal },
        );
        await reembedding.writeChunkVectors(
          batch.map((chunk, index) => ({ chunk, vector: vectors[index] as Float32Array })),
        );
        done += batch.length;
        options.onProgress?.(done, total);
      }
    },
    // Calibrated thresholds were measured on the old vectors' scale; recalibrate after a reindex.
    { clearSettings: [calibrationSettingKey] },
  );
  // After the commit: a large knowledge base gets its search index built now, not on the first question.
  await knowledgeBase.prepareSearch(options.onIndexProgress);
  return { categories: categories.length, chunks: chunks.length };
}
