import type { Rag } from '../rag.js';
import type { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import type { KnowledgeAdmin } from '../spec/knowledge-admin.js';
import type { KnowledgeWriter } from '../spec/knowledge-writer.js';
import type { WorkQueue } from './work-queue.js';

/** Everything the routes share; built once by the serve command (or a test). */
export interface ServerContext {
  rag: Rag;
  index: KnowledgeIndex;
  /** The knowledge base behind `index`, for browsing and editing. */
  store: KnowledgeAdmin & KnowledgeWriter;
  /** false: answers are the matching text itself (as `ask --no-generate`). */
  generate: boolean;
  /** Engine calls go through this queue. */
  queue: WorkQueue;
  limits: ServerLimits;
}

export interface ServerLimits {
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /** Most inputs in one embeddings request. */
  maxInputs: number;
  /** Largest file `POST /api/upload` accepts, in bytes (as `ingest --max-file-size`). */
  maxUploadBytes: number;
}

export const defaultLimits: ServerLimits = {
  maxBodyBytes: 1024 * 1024,
  maxInputs: 256,
  maxUploadBytes: 20 * 1024 * 1024,
};
