import type { Embedder } from '../embedding/embedder.js';
import {
  admitStamp,
  type EmbeddingStamp,
  promptFormatVersion,
  sameEmbedding,
  stampMismatchError,
} from '../knowledge/embedding-stamp.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { KnowledgeWriter } from '../spec/knowledge-writer.js';

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

/**
 * Before embedding anything for a knowledge base: refuse one built with another model, so
 * the user hears it at once rather than after the first document was embedded. (The store
 * applies the same rule again inside each write's transaction.)
 */
export async function checkForWriting(knowledgeBase: KnowledgeWriter, embedder: Embedder): Promise<void> {
  admitStamp(
    knowledgeBase.location,
    await knowledgeBase.readStamp(),
    await knowledgeBase.isEmpty(),
    stampFor(embedder),
  );
}

/** Before querying: the knowledge base must hold something, embedded the way we embed the query. */
export async function checkForQuerying(
  knowledgeBase: Pick<KnowledgeWriter, 'location' | 'readStamp' | 'isEmpty'>,
  embedder: Embedder,
): Promise<void> {
  const stored = await knowledgeBase.readStamp();
  if (!stored || (await knowledgeBase.isEmpty())) {
    throw new GemmaRagError(
      errorCodes.invalidKnowledgeBase,
      `The knowledge base ${knowledgeBase.location} is empty. Add documents first: gemma-rag ingest <files or folders> --db ${knowledgeBase.location}`,
      { data: { path: knowledgeBase.location } },
    );
  }
  const current = stampFor(embedder);
  if (!sameEmbedding(stored, current)) throw stampMismatchError(knowledgeBase.location, stored, current);
}
