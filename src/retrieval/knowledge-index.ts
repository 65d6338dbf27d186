import type { Embedder } from '../embedding/embedder.js';
import { documentPrompt, namedPrompt } from '../embedding/prompts.js';
import { categoryText, type KnowledgeBase } from '../knowledge/knowledge-base.js';
import type { VectorStore } from '../spec/vector-store.js';

export const categoryNamespace = 'categories';
export const documentNamespace = 'documents';

/** What the store keeps beside each vector. */
export interface IndexedItem {
  kind: 'category' | 'document';
  category: string;
  /** Documents only. */
  title?: string;
  /** Documents only: the text the answer is grounded on. */
  content?: string;
}

export interface BuildIndexOptions {
  abortSignal?: AbortSignal | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/**
 * A knowledge base embedded the way the seed embeds it: category names with the
 * `Classification` prompt, documents as `title: {title} | text: {content}`.
 */
export class KnowledgeIndex {
  constructor(
    readonly embedder: Embedder,
    readonly store: VectorStore<IndexedItem>,
  ) {}

  async add(knowledgeBase: KnowledgeBase, options: BuildIndexOptions = {}): Promise<void> {
    const documents = knowledgeBase.flatMap((category, categoryIndex) =>
      category.documents.map((document, documentIndex) => ({
        category,
        document,
        id: `document:${categoryIndex}:${documentIndex}`,
      })),
    );
    const total = knowledgeBase.length + documents.length;
    const categoryVectors = await this.embedder.embedMany(knowledgeBase.map(categoryText), {
      prompt: namedPrompt('Classification'),
      abortSignal: options.abortSignal,
      onProgress: (done) => options.onProgress?.(done, total),
    });
    const documentVectors = await this.embedder.embedMany(
      documents.map(({ document }) => ({ text: document.content, prompt: documentPrompt(document.title) })),
      {
        prompt: documentPrompt(undefined),
        abortSignal: options.abortSignal,
        onProgress: (done) => options.onProgress?.(knowledgeBase.length + done, total),
      },
    );
    await this.store.upsert([
      ...knowledgeBase.map((category, index) => ({
        id: `category:${index}`,
        namespace: categoryNamespace,
        vector: categoryVectors[index] as Float32Array,
        metadata: { kind: 'category' as const, category: category.category },
      })),
      ...documents.map(({ category, document, id }, index) => ({
        id,
        namespace: documentNamespace,
        vector: documentVectors[index] as Float32Array,
        metadata: {
          kind: 'document' as const,
          category: category.category,
          title: document.title,
          content: document.content,
        },
      })),
    ]);
  }
}
