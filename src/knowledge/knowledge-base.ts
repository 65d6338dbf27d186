import { z } from 'zod';
import type { LoadedDocument } from '../spec/document-loader.js';
import { recordDocuments } from './loaders/record-source.js';

/**
 * The seed's knowledge-base format: categories, each with documents that have a title and
 * content. `description` is our extension: words that say what a category covers, embedded
 * with its name so that stage 1 has more to go on than a short label.
 */
export const documentSchema = z.object({
  title: z.string().trim().min(1, 'a document needs a non-empty title'),
  content: z.string().trim().min(1, 'a document needs non-empty content'),
  /** Labels for filters: a list or a comma-separated string, normalized by tags.ts; junk is ignored, not fatal. */
  tags: z.unknown().optional(),
});

export const categorySchema = z.object({
  category: z.string().trim().min(1, 'a category needs a non-empty name'),
  description: z.string().trim().optional(),
  documents: z.array(documentSchema).min(1, 'a category needs at least one document'),
});

export const knowledgeBaseSchema = z
  .array(categorySchema)
  .min(1, 'the knowledge base needs at least one category')
  .superRefine((categories, context) => {
    const seen = new Set<string>();
    categories.forEach((category, index) => {
      if (seen.has(category.category)) {
        context.addIssue({
          code: 'custom',
          path: [index, 'category'],
          message: `duplicate category name "${category.category}"; merge its documents into one entry`,
        });
      }
      seen.add(category.category);
    });
  });

export type KnowledgeDocument = z.infer<typeof documentSchema>;
export type KnowledgeCategory = z.infer<typeof categorySchema>;
export type KnowledgeBase = z.infer<typeof knowledgeBaseSchema>;

/** The text stage 1 embeds for a category: its name, then its description if any. */
export function categoryText(category: KnowledgeCategory): string {
  return category.description ? `${category.category}: ${category.description}` : category.category;
}

/**
 * The documents of a seed-style knowledge base, with the same sources and tags the JSON loader
 * gives records of a file at `origin` (see loaders/record-source.ts).
 */
export function documentsOf(
  knowledgeBase: KnowledgeBase,
  origin: string,
): { documents: LoadedDocument[]; categoryDescriptions: Record<string, string> } {
  const documentOf = recordDocuments(origin);
  const categoryDescriptions: Record<string, string> = {};
  const documents = knowledgeBase.flatMap((category) => {
    if (category.description) categoryDescriptions[category.category] = category.description;
    return category.documents.map((document) => documentOf(category.category, document));
  });
  return { documents, categoryDescriptions };
}
