import { basename } from 'node:path';
import type { LoadResult } from '../spec/document-loader.js';

/** In a folder knowledge base, this file describes its folder's category instead of being a document. */
export const categoryDescriptionFileName = '_category.md';

/**
 * Moves `_category.md` files out of the documents and into category descriptions, which
 * stage 1 embeds with the category name (as the seed JSON's `description` is).
 */
export function extractCategoryDescriptions(result: LoadResult): LoadResult {
  const descriptions: Record<string, string> = { ...result.categoryDescriptions };
  const documents = result.documents.filter((document) => {
    if (basename(document.source).toLowerCase() !== categoryDescriptionFileName) return true;
    descriptions[document.category] = document.content.trim();
    return false;
  });
  return { ...result, documents, categoryDescriptions: descriptions };
}
