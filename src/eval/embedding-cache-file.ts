import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { CachingEmbeddingModel } from '../embedding/caching-embedding-model.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';

/**
 * Vectors kept across `eval` runs: one JSON line per embedded text, `{ fingerprint, input,
 * vector }` with the raw float32 vector in base64. Only lines of the same model (fingerprint) and
 * size are used, so one file can serve several models; a line that does not parse is skipped.
 */
const lineSchema = z.object({ fingerprint: z.string(), input: z.string(), vector: z.string() });

function decode(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Loads what the file holds for this model; returns how many vectors were added. A missing file is an empty cache. */
export async function loadEmbeddingCache(model: CachingEmbeddingModel, path: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new GemmaRagError(errorCodes.invalidArgument, `Cannot read the embedding cache ${path}: ${String(error)}`, {
      data: { path },
      cause: error,
    });
  }
  const entries: Array<[string, Float32Array]> = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success || parsed.data.fingerprint !== model.fingerprint) continue;
    const vector = decode(parsed.data.vector);
    if (vector.length === model.dimensions && vector.every(Number.isFinite)) entries.push([parsed.data.input, vector]);
  }
  model.preload(entries);
  return entries.length;
}

/**
 * Writes every vector the model holds, keeping other models' lines. Written to a temporary file
 * and renamed, so an interrupted save never leaves half a cache.
 */
export async function saveEmbeddingCache(model: CachingEmbeddingModel, path: string): Promise<void> {
  let others: string[] = [];
  try {
    others = (await readFile(path, 'utf8'))
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.includes(JSON.stringify(model.fingerprint)));
  } catch {
    others = [];
  }
  const mine = [...model.entries()].map(([input, vector]) =>
    JSON.stringify({
      fingerprint: model.fingerprint,
      input,
      vector: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64'),
    }),
  );
  const temporary = `${path}.${randomUUID()}.tmp`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(temporary, `${[...others, ...mine].join('\n')}\n`);
  await rename(temporary, path);
}
