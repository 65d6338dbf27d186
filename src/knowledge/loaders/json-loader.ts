import { findNodeAtLocation, type JSONPath, parseTree } from 'jsonc-parser';
import { z } from 'zod';
import type { DocumentLoader, LoadedDocument, LoadResult, SkippedSource } from '../../spec/document-loader.js';
import { errorCodes, errorMessage } from '../../spec/errors.js';
import { parseJson } from '../../util/parse-json.js';
import { documentSchema } from '../knowledge-base.js';
import { describeIssues, lineNumberAt } from './record-problems.js';
import { recordDocuments } from './record-source.js';

/**
 * Checked one category at a time rather than with knowledgeBaseSchema, so that one bad
 * record costs only itself. Documents are left unchecked here and validated one by one.
 */
const categoryEntrySchema = z.object({
  category: z.string().trim().min(1, 'a category needs a non-empty name'),
  description: z.string().trim().optional(),
  documents: z.array(z.unknown()).min(1, 'a category needs at least one document'),
});

const expectedShape = '[{ "category": "...", "documents": [{ "title": "...", "content": "..." }] }]';

/** The seed's knowledge-base file: an array of categories, each with titled documents. */
export const jsonLoader: DocumentLoader = {
  format: 'JSON knowledge base',
  extensions: ['.json'],
  needsText: true,
  async load({ path, text }): Promise<LoadResult> {
    const withoutBom = text.replace(/^\uFEFF/, '');
    let json: unknown;
    try {
      json = parseJson(withoutBom, path, errorCodes.invalidKnowledgeBase);
    } catch (error) {
      return { documents: [], skipped: [{ path, reason: withoutLeadingPath(errorMessage(error), path) }] };
    }
    if (!Array.isArray(json)) {
      return { documents: [], skipped: [{ path, reason: `expected a JSON array of categories: ${expectedShape}` }] };
    }

    // Only for line numbers in reports: the text already parsed strictly above.
    const tree = parseTree(withoutBom);
    const lineOf = (location: JSONPath): number => {
      for (let length = location.length; length >= 0 && tree; length--) {
        const node = findNodeAtLocation(tree, location.slice(0, length));
        if (node) return lineNumberAt(withoutBom, node.offset);
      }
      return 1;
    };

    const documents: LoadedDocument[] = [];
    const skipped: SkippedSource[] = [];
    const categoryDescriptions: Record<string, string> = {};
    const documentOf = recordDocuments(path);
    json.forEach((entry: unknown, categoryIndex) => {
      const categoryLabel = `category ${categoryIndex + 1}${nameHint(entry)}`;
      const parsedEntry = categoryEntrySchema.safeParse(entry);
      if (!parsedEntry.success) {
        const firstPath = parsedEntry.error.issues[0]?.path ?? [];
        skipped.push({
          path: `${path}:${lineOf([categoryIndex, ...pathSegments(firstPath)])}`,
          reason: `${categoryLabel}: ${describeIssues(parsedEntry.error)}`,
        });
        return;
      }
      const category = parsedEntry.data.category;
      if (parsedEntry.data.description) categoryDescriptions[category] = parsedEntry.data.description;
      parsedEntry.data.documents.forEach((record, documentIndex) => {
        const location = [categoryIndex, 'documents', documentIndex];
        const parsedDocument = documentSchema.safeParse(record);
        if (!parsedDocument.success) {
          const firstPath = parsedDocument.error.issues[0]?.path ?? [];
          skipped.push({
            path: `${path}:${lineOf([...location, ...pathSegments(firstPath)])}`,
            reason: `${categoryLabel}, document ${documentIndex + 1}: ${describeIssues(parsedDocument.error)}`,
          });
          return;
        }
        documents.push(documentOf(category, parsedDocument.data));
      });
    });
    return { documents, skipped, categoryDescriptions };
  },
};

function nameHint(entry: unknown): string {
  const name = typeof entry === 'object' && entry !== null ? (entry as { category?: unknown }).category : undefined;
  return typeof name === 'string' && name.trim() ? ` ("${name.trim()}")` : '';
}

function pathSegments(path: readonly PropertyKey[]): JSONPath {
  return path.filter((segment): segment is string | number => typeof segment !== 'symbol');
}

/** parseJson writes a sentence naming the file; the skipped entry already carries the path. */
function withoutLeadingPath(message: string, path: string): string {
  const prefix = `${path} is `;
  return (message.startsWith(prefix) ? message.slice(prefix.length) : message).replace(/\.$/, '');
}
