import { z } from 'zod';
import type { DocumentLoader, LoadedDocument, LoadResult, SkippedSource } from '../../spec/document-loader.js';
import { describeJsonLineError } from '../../util/parse-json.js';
import { documentSchema } from '../knowledge-base.js';
import { describeIssues } from './record-problems.js';
import { recordDocuments } from './record-source.js';

/** Exports often write `""` or `null` for "no value", so those mean the default category too. */
const lineSchema = documentSchema.extend({ category: z.string().trim().nullish() });

/** One `{ "category"?, "title", "content" }` object per line; each line stands or falls alone. */
export const jsonlLoader: DocumentLoader = {
  format: 'JSON Lines',
  extensions: ['.jsonl'],
  needsText: true,
  async load({ path, text, defaultCategory }): Promise<LoadResult> {
    const documents: LoadedDocument[] = [];
    const skipped: SkippedSource[] = [];
    const documentOf = recordDocuments(path);
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .forEach((line, index) => {
        if (line.trim() === '') return;
        const where = `${path}:${index + 1}`;
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          skipped.push({ path: where, reason: describeJsonLineError(line) });
          return;
        }
        const parsed = lineSchema.safeParse(json);
        if (!parsed.success) {
          skipped.push({ path: where, reason: describeIssues(parsed.error) });
          return;
        }
        documents.push(documentOf(parsed.data.category || defaultCategory, parsed.data));
      });
    return { documents, skipped };
  },
};
