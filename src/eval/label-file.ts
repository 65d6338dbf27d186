import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { describeIssues } from '../knowledge/loaders/record-problems.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { describeJsonLineError } from '../util/parse-json.js';
import type { DocumentKey } from './answer-decision.js';

/**
 * One labelled question per line: `{ "question": "…", "expected": { "category": "…", "title": "…" } }`,
 * or `"expected": null` for a question the knowledge base cannot answer (it should be refused);
 * optionally `"answers": ["…"]`, gold answers for `eval answers`.
 */
export const labelSchema = z
  .object({
    question: z.string().trim().min(1, 'a label needs a non-empty question'),
    expected: z
      .object({
        category: z.string().trim().min(1, 'the expected category must not be empty'),
        title: z.string().trim().min(1, 'the expected title must not be empty'),
      })
      .strict()
      .nullable(),
    /** Gold answers, for `eval answers`: an answer is right when it contains one of them. */
    answers: z.array(z.string().trim().min(1)).min(1).optional(),
  })
  .strict();

export interface Label {
  /** 1-based line in the file, for messages. */
  line: number;
  question: string;
  expected: DocumentKey | null;
  /** Gold answers, when the line gives them. */
  answers?: string[] | undefined;
}

export interface LabelProblem {
  line: number;
  reason: string;
}

/** Parses every line; returns the good labels and one problem per bad line (never throws for content). */
export function parseLabels(text: string): { labels: Label[]; problems: LabelProblem[] } {
  const labels: Label[] = [];
  const problems: LabelProblem[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((content, index) => {
      const line = index + 1;
      if (content.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(content);
      } catch {
        problems.push({ line, reason: describeJsonLineError(content) });
        return;
      }
      const parsed = labelSchema.safeParse(json);
      if (!parsed.success) {
        problems.push({ line, reason: describeIssues(parsed.error) });
        return;
      }
      const { question, expected, answers } = parsed.data;
      labels.push({ line, question, expected, ...(answers ? { answers } : {}) });
    });
  return { labels, problems };
}

/** Reads and validates a label file; any bad line is an error listing every bad line by number. */
export async function loadLabels(path: string): Promise<Label[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : String(error);
    throw new GemmaRagError(errorCodes.invalidArgument, `Cannot read labels ${path}: ${reason}.`, {
      data: { path },
      cause: error,
    });
  }
  const { labels, problems } = parseLabels(text);
  if (problems.length > 0) throw labelProblemsError(path, problems);
  if (labels.length === 0) {
    throw new GemmaRagError(errorCodes.invalidArgument, `${path} has no labelled questions.`, { data: { path } });
  }
  return labels;
}

export function labelProblemsError(path: string, problems: readonly LabelProblem[]): GemmaRagError {
  const shown = problems.slice(0, 20).map((problem) => `  ${path}:${problem.line}: ${problem.reason}`);
  const more = problems.length > shown.length ? [`  … and ${problems.length - shown.length} more`] : [];
  return new GemmaRagError(
    errorCodes.invalidArgument,
    `${path} has ${problems.length} bad line${problems.length === 1 ? '' : 's'} (expected one { "question": "…", "expected": { "category": "…", "title": "…" } | null } per line):\n${[...shown, ...more].join('\n')}`,
    { data: { path, problems } },
  );
}
