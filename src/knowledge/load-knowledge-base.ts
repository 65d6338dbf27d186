import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { parseJson } from '../util/parse-json.js';
import { type KnowledgeBase, knowledgeBaseSchema } from './knowledge-base.js';

/** The example knowledge base shipped with the package (HR, IT, finance, facilities in zh/en/ja). */
export const exampleKnowledgeBasePath = fileURLToPath(new URL('../../examples/knowledge-base.json', import.meta.url));

export async function loadKnowledgeBaseFile(path: string): Promise<KnowledgeBase> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : String(error);
    throw new GemmaRagError(errorCodes.invalidKnowledgeBase, `Cannot read knowledge base ${path}: ${reason}.`, {
      data: { path },
      cause: error,
    });
  }
  return parseKnowledgeBase(text, path);
}

/** Parses and validates knowledge-base JSON; errors name the source and where it went wrong. */
export function parseKnowledgeBase(text: string, source: string): KnowledgeBase {
  const json = parseJson(text, source, errorCodes.invalidKnowledgeBase);
  const parsed = knowledgeBaseSchema.safeParse(json);
  if (!parsed.success) {
    throw new GemmaRagError(
      errorCodes.invalidKnowledgeBase,
      `${source} is not a valid knowledge base (expected [{ "category": "...", "documents": [{ "title": "...", "content": "..." }] }]):\n${describeIssues(parsed.error, json)}`,
      { data: { source, issues: parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message })) } },
    );
  }
  return parsed.data;
}

/** One line per problem, naming the category (by name when it has one) and the field. */
function describeIssues(error: z.ZodError, json: unknown): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => {
      const [categoryIndex, , documentIndex, field] = issue.path;
      const categories = Array.isArray(json) ? json : [];
      const name =
        typeof categoryIndex === 'number'
          ? (categories[categoryIndex] as { category?: unknown } | undefined)?.category
          : undefined;
      const where =
        issue.path.length === 0
          ? 'top level'
          : [
              typeof categoryIndex === 'number'
                ? `category ${categoryIndex + 1}${typeof name === 'string' && name ? ` ("${name}")` : ''}`
                : '',
              typeof documentIndex === 'number' ? `document ${documentIndex + 1}` : '',
              typeof field === 'string' ? `"${field}"` : typeof issue.path[1] === 'string' ? `"${issue.path[1]}"` : '',
            ]
              .filter(Boolean)
              .join(', ');
      return `  - ${where}: ${issue.message}`;
    })
    .join('\n');
}
