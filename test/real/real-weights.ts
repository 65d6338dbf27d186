import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { z } from 'zod';

/**
 * Where scripts/real-weights.sh put the real weights (paths.env in its cache folder). The
 * real tier runs only on them; without them every test skips and says how to get them.
 */
export interface RealWeights {
  embeddingDir: string;
  embeddingF32: string;
  embeddingQ8: string;
  embeddingQ8NoDense: string;
  languageModel: string;
  python: string;
  /** Instruction-tuned answer models (not Gemma): Qwen2.5-Coder-0.5B-Instruct and SmolLM2-135M-Instruct, when fetched. */
  instruct: { qwen?: string | undefined; smol?: string | undefined };
}

const pathsSchema = z.object({
  GEMMA_RAG_REAL_EMBEDDING_DIR: z.string(),
  GEMMA_RAG_REAL_EMBEDDING_F32: z.string(),
  GEMMA_RAG_REAL_EMBEDDING_Q8: z.string(),
  GEMMA_RAG_REAL_EMBEDDING_Q8_NO_DENSE: z.string(),
  GEMMA_RAG_REAL_LANGUAGE_MODEL: z.string(),
  GEMMA_RAG_REAL_PYTHON: z.string(),
  GEMMA_RAG_REAL_INSTRUCT_QWEN: z.string().optional(),
  GEMMA_RAG_REAL_INSTRUCT_SMOL: z.string().optional(),
});

export const realWeightsCache =
  process.env.GEMMA_RAG_TEST_WEIGHTS ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gemma-rag-test-weights');

function load(): RealWeights | string {
  const file = join(realWeightsCache, 'paths.env');
  if (!existsSync(file)) return `no real weights in ${realWeightsCache}: run scripts/real-weights.sh first`;
  const entries = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const parsed = pathsSchema.safeParse(entries);
  if (!parsed.success) return `${file} is incomplete: run scripts/real-weights.sh again`;
  const paths = parsed.data;
  const { GEMMA_RAG_REAL_INSTRUCT_QWEN: qwen, GEMMA_RAG_REAL_INSTRUCT_SMOL: smol, ...required } = paths;
  const missing = Object.values(required).find((path) => !existsSync(path));
  if (missing) return `${missing} is missing: run scripts/real-weights.sh again`;
  return {
    embeddingDir: paths.GEMMA_RAG_REAL_EMBEDDING_DIR,
    embeddingF32: paths.GEMMA_RAG_REAL_EMBEDDING_F32,
    embeddingQ8: paths.GEMMA_RAG_REAL_EMBEDDING_Q8,
    embeddingQ8NoDense: paths.GEMMA_RAG_REAL_EMBEDDING_Q8_NO_DENSE,
    languageModel: paths.GEMMA_RAG_REAL_LANGUAGE_MODEL,
    python: paths.GEMMA_RAG_REAL_PYTHON,
    instruct: {
      qwen: qwen && existsSync(qwen) ? qwen : undefined,
      smol: smol && existsSync(smol) ? smol : undefined,
    },
  };
}

const loaded = load();

/** The real weights, or undefined after marking the test skipped with the reason. */
export function realWeightsOrSkip(t: TestContext): RealWeights | undefined {
  if (typeof loaded === 'string') {
    t.skip(loaded);
    return undefined;
  }
  return loaded;
}

/** An instruction-tuned answer model's path, or undefined after marking the test skipped with the reason. */
export function instructModelOrSkip(
  t: TestContext,
  name: 'qwen' | 'smol',
): { weights: RealWeights; model: string } | undefined {
  const weights = realWeightsOrSkip(t);
  if (!weights) return undefined;
  const model = weights.instruct[name];
  if (!model) {
    t.skip(`no ${name} instruct model in ${realWeightsCache}: run scripts/real-weights.sh again`);
    return undefined;
  }
  return { weights, model };
}

/** Runs one of scripts/real/*.py with a JSON request on stdin and parses its JSON answer. */
export function runPython<Schema extends z.ZodType>(
  weights: RealWeights,
  script: string,
  request: unknown,
  schema: Schema,
): Promise<z.output<Schema>> {
  const path = join(import.meta.dirname, '..', '..', 'scripts', 'real', script);
  return new Promise((resolve, reject) => {
    const child = spawn(weights.python, [path], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`${script} exited with ${code}: ${Buffer.concat(stderr).toString().slice(-2000)}`));
        return;
      }
      try {
        resolve(schema.parse(JSON.parse(Buffer.concat(stdout).toString())));
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}

/** Min, percentiles and max of a list, for printing a distribution in one line. */
export function distribution(values: readonly number[], digits = 6): string {
  const sorted = [...values].sort((left, right) => left - right);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
  const show = (value: number) => value.toFixed(digits);
  return `min ${show(sorted[0] ?? Number.NaN)} · p10 ${show(at(0.1))} · p50 ${show(at(0.5))} · max ${show(sorted.at(-1) ?? Number.NaN)} (n=${sorted.length})`;
}
