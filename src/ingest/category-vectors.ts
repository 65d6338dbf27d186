import type { Embedder } from '../embedding/embedder.js';
import { categoryText } from '../knowledge/knowledge-base.js';
import type { CategoryWrite, KnowledgeWriter } from '../spec/knowledge-writer.js';

/**
 * The one way a category is embedded, for ingest and reindex alike: its name and description
 * with the `Classification` prompt, which stage 1 searches with.
 */
export function embedCategories(
  embedder: Embedder,
  categories: ReadonlyArray<{ name: string; description: string }>,
  abortSignal?: AbortSignal,
): Promise<Float32Array[]> {
  return embedder.embedMany(
    categories.map(({ name, description }) => categoryText({ category: name, description, documents: [] })),
    { prompt: { kind: 'named', name: 'Classification' }, abortSignal },
  );
}

/** What ingest writes for each category it touches. */
export interface CategoryPlan {
  /** The category part of each document write, by name (with a vector when the category is new). */
  forDocuments: Map<string, CategoryWrite>;
  /** Existing categories whose description changed: written on their own, documents or not. */
  changed: Array<Required<CategoryWrite>>;
}

/**
 * Ingest's category step, done once before any document is written: new categories and those
 * whose description changed are embedded together; the rest keep their stored vector and
 * description. A category given no description keeps the stored one ('' when new).
 */
export async function planCategories(
  store: KnowledgeWriter,
  embedder: Embedder,
  documentCategories: ReadonlySet<string>,
  descriptions: Readonly<Record<string, string>>,
  abortSignal?: AbortSignal,
): Promise<CategoryPlan> {
  const names = new Set([...documentCategories, ...Object.keys(descriptions)]);
  const needVectors: Array<{ name: string; description: string; isNew: boolean }> = [];
  const forDocuments = new Map<string, CategoryWrite>();
  for (const name of names) {
    const stored = await store.findCategory(name);
    const description = descriptions[name] ?? stored?.description ?? '';
    if (!stored) {
      // A category exists only with documents: one named only by a description waits for them.
      if (documentCategories.has(name)) needVectors.push({ name, description, isNew: true });
    } else if (description !== stored.description) {
      needVectors.push({ name, description, isNew: false });
    } else {
      forDocuments.set(name, { name, description });
    }
  }
  const vectors = await embedCategories(embedder, needVectors, abortSignal);
  const changed: Array<Required<CategoryWrite>> = [];
  needVectors.forEach(({ name, description, isNew }, index) => {
    const vector = vectors[index] as Float32Array;
    if (isNew) forDocuments.set(name, { name, description, vector });
    else {
      changed.push({ name, description, vector });
      forDocuments.set(name, { name, description });
    }
  });
  return { forDocuments, changed };
}
