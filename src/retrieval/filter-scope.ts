import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { DocumentFilter, SearchableKnowledge } from '../spec/knowledge-store.js';

/**
 * Where a filtered question is searched: the categories stage 1 may choose from and stage 2
 * and flat routes search in, and the documents whose chunks take part. Both go into the
 * vector search (as `where`, which a database applies inside its index and the SQLite index
 * during its scan or graph walk) and into the keyword search, never onto their results, so a
 * filtered search still returns its full top k.
 */
export interface SearchScope {
  categories: string[];
  /** null: every document of `categories`. */
  documentIds: number[] | null;
}

/**
 * The one rule for filters: a value that names nothing in this knowledge base is an error
 * that says so (a typo must not quietly turn into "I don't know"), and so is a combination
 * that no document passes.
 */
export async function resolveScope(knowledge: SearchableKnowledge, filter: DocumentFilter): Promise<SearchScope> {
  const match = await knowledge.matchFilter(filter);
  const unknown = (['categories', 'documents', 'tags'] as const)
    .filter((list) => match.unknown[list].length > 0)
    .map((list) => `${singular[list]} ${match.unknown[list].map((value) => `"${value}"`).join(', ')}`);
  if (unknown.length > 0) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `This knowledge base has no ${unknown.join('; no ')}. See what it holds with: gemma-rag kb list`,
      { data: { filter, unknown: match.unknown } },
    );
  }
  if (match.categories.length === 0 || match.documentIds?.length === 0) {
    throw new GemmaRagError(errorCodes.invalidArgument, `No document passes all of the filter: ${describe(filter)}.`, {
      data: { filter },
    });
  }
  return { categories: match.categories, documentIds: match.documentIds };
}

const singular = { categories: 'category', documents: 'document', tags: 'tag' } as const;

function describe(filter: DocumentFilter): string {
  return (['categories', 'documents', 'tags'] as const)
    .filter((list) => filter[list])
    .map((list) => `${list} ${filter[list]?.join(' or ')}`)
    .join(', and ');
}
