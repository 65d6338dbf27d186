import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { gemmaRagHome } from '../models/model-home.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';

/** What one generation produced and how long it took, as measured when it ran. */
export const cachedAnswerSchema = z.object({
  answer: z.string(),
  /** From the start of generation to the first text, in milliseconds (retrieval not included). */
  firstTextMs: z.number().nonnegative(),
  /** From the start of generation to its end, in milliseconds. */
  generationMs: z.number().nonnegative(),
  promptTokens: z.number().int().nonnegative().nullable(),
  completionTokens: z.number().int().nonnegative().nullable(),
  /**
   * What the model wrote, before it was judged: a cached answer is judged again as a fresh one
   * would be (`judgeGenerated`), so a changed judgement never needs the model. Older entries: `answer`.
   */
  generated: z.string().optional(),
});
export type CachedAnswer = z.infer<typeof cachedAnswerSchema>;

const lineSchema = z.object({ key: z.string(), value: cachedAnswerSchema });

/** Everything an answer depends on: the model, the prompt and its version, the settings, the question and its context. */
export interface AnswerKeyParts {
  model: string;
  prompt: string;
  promptVersion: number;
  maxTokens: number | null;
  temperature: number;
  question: string;
  context: readonly string[];
}

export function answerKey(parts: AnswerKeyParts): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * Answers kept across `eval answers` runs, one JSON line each (`{ key, value }`), appended as
 * they are made so an interrupted run loses nothing; a rerun with the same model, prompt,
 * settings and retrieval generates nothing. Lines that do not parse are skipped.
 */
export class AnswerCache {
  private constructor(
    readonly path: string,
    private readonly entries: Map<string, CachedAnswer>,
  ) {}

  static async open(path: string): Promise<AnswerCache> {
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new GemmaRagError(errorCodes.invalidArgument, `Cannot read the answer cache ${path}: ${String(error)}`, {
          data: { path },
          cause: error,
        });
      }
    }
    const entries = new Map<string, CachedAnswer>();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const parsed = lineSchema.safeParse(JSON.parse(line));
        if (parsed.success) entries.set(parsed.data.key, parsed.data.value);
      } catch {
        // A torn last line from an interrupted run: skip it.
      }
    }
    return new AnswerCache(path, entries);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CachedAnswer | undefined {
    return this.entries.get(key);
  }

  async set(key: string, value: CachedAnswer): Promise<void> {
    this.entries.set(key, value);
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify({ key, value })}\n`);
  }
}

/** Where `eval answers` keeps answers unless told otherwise: beside the models, outside any project. */
export function defaultAnswerCachePath(environment: NodeJS.ProcessEnv = process.env): string {
  return join(gemmaRagHome(environment), 'eval', 'answers.jsonl');
}
