import { z } from 'zod';
import type { EmbeddingStamp } from '../spec/embedding-stamp.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';

export type { EmbeddingStamp };

/** Bumped whenever the way texts are prompted or chunked changes what gets embedded. */
export const promptFormatVersion = 1;

function describe(stamp: EmbeddingStamp): string {
  return `${stamp.engine} ${stamp.modelId} (${stamp.profile}, ${stamp.dimensions} of ${stamp.nativeDimensions} dimensions, fingerprint ${stamp.modelFingerprint.slice(0, 12)})`;
}

export function sameEmbedding(left: EmbeddingStamp, right: EmbeddingStamp): boolean {
  return (
    left.engine === right.engine &&
    left.modelFingerprint === right.modelFingerprint &&
    left.profile === right.profile &&
    left.dimensions === right.dimensions &&
    left.promptFormat === right.promptFormat
  );
}

export function stampMismatchError(path: string, stored: EmbeddingStamp, current: EmbeddingStamp): GemmaRagError {
  return new GemmaRagError(
    errorCodes.knowledgeBaseMismatch,
    [
      `The knowledge base ${path} was built with ${describe(stored)},`,
      `but this command uses ${describe(current)}.`,
      'Vectors from different models or sizes cannot be compared. Use the same model and --dimensions,',
      `or re-embed everything with the current settings: gemma-rag reindex --db ${path}`,
    ].join('\n'),
    { data: { path, stored, current } },
  );
}

const storedStampSchema = z.object({
  engine: z.string(),
  modelId: z.string(),
  modelFingerprint: z.string(),
  profile: z.string(),
  nativeDimensions: z.number().int().positive(),
  dimensions: z.number().int().positive(),
  promptFormat: z.number().int(),
});

/** Reads a stored stamp; one that does not parse means the knowledge base was damaged or hand-edited. */
export function parseStoredStamp(json: string, location: string): EmbeddingStamp {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw badStamp(location, error);
  }
  const parsed = storedStampSchema.safeParse(value);
  if (!parsed.success) throw badStamp(location, parsed.error);
  return parsed.data;
}

function badStamp(location: string, cause: unknown): GemmaRagError {
  return new GemmaRagError(
    errorCodes.invalidKnowledgeBase,
    `The knowledge base ${location} has an unreadable embedding stamp; re-embed it with: gemma-rag reindex --db ${location}`,
    { data: { path: location }, cause },
  );
}

/**
 * The rule every write that stores vectors applies inside its transaction: an empty knowledge
 * base (or one without a stamp) takes the writer's stamp; any other must already have it.
 * Returns whether the stamp has to be written.
 */
export function admitStamp(
  location: string,
  stored: EmbeddingStamp | undefined,
  isEmpty: boolean,
  current: EmbeddingStamp,
): boolean {
  if (!stored || isEmpty) return !stored || !sameEmbedding(stored, current);
  if (!sameEmbedding(stored, current)) throw stampMismatchError(location, stored, current);
  return false;
}
