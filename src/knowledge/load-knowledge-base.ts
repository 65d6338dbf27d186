import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
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
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    const where = position === undefined ? '' : ` at ${lineAndColumn(text, Number(position))}`;
    throw new GemmaRagError(errorCodes.invalidKnowledgeBase, `${source} is not valid JSON${where}: ${message}`, {
      data: { source, position: position === undefined ? null : Number(position) },
      cause: error,
    });
  }
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

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
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
