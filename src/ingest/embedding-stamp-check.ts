import type { Embedder } from '../embedding/embedder.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import {
  type EmbeddingStamp,
  promptFormatVersion,
  sameEmbedding,
  stampMismatchError,
} from '../stores/sqlite/embedding-stamp.js';
import type { SqliteKnowledgeBase } from '../stores/sqlite/sqlite-knowledge-base.js';

export function stampFor(embedder: Embedder): EmbeddingStamp {
  return {
    engine: embedder.model.engine,
    modelId: embedder.model.modelId,
    modelFingerprint: embedder.model.fingerprint,
    profile: embedder.profile.id,
    nativeDimensions: embedder.model.dimensions,
    dimensions: embedder.dimensions,
    promptFormat: promptFormatVersion,
  };
}

/** Before adding to a knowledge base: stamp a new one, refuse one built with another model. */
export function claimForWriting(knowledgeBase: SqliteKnowledgeBase, embedder: Embedder): void {
  const current = stampFor(embedder);
  const stored = knowledgeBase.getStamp();
  if (!stored || knowledgeBase.isEmpty()) {
    knowledgeBase.setStamp(current);
    return;
  }
  if (!sameEmbedding(stored, current)) throw stampMismatchError(knowledgeBase.path, stored, current);
}

/** Before querying: the knowledge base must hold something, embedded the way we embed the query. */
export function checkForQuerying(knowledgeBase: SqliteKnowledgeBase, embedder: Embedder): void {
  const stored = knowledgeBase.getStamp();
  if (!stored || knowledgeBase.isEmpty()) {
    throw new GemmaRagError(
      errorCodes.invalidKnowledgeBase,
      `The knowledge base ${knowledgeBase.path} is empty. Add documents first: gemma-rag ingest <files or folders> --db ${knowledgeBase.path}`,
      { data: { path: knowledgeBase.path } },
    );
  }
  const current = stampFor(embedder);
  if (!sameEmbedding(stored, current)) throw stampMismatchError(knowledgeBase.path, stored, current);
}
