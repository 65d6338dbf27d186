import { errorCodes, GemmaRagError } from '../../spec/errors.js';

/** Bumped whenever the way texts are prompted or chunked changes what gets embedded. */
export const promptFormatVersion = 1;

/** Which model and settings produced a knowledge base's vectors; vectors from different stamps must never mix. */
export interface EmbeddingStamp {
  engine: string;
  modelId: string;
  /** Identifies the weights; a moved or renamed file keeps its fingerprint. */
  modelFingerprint: string;
  profile: string;
  nativeDimensions: number;
  dimensions: number;
  promptFormat: number;
}

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
