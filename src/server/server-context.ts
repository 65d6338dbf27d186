import type { ParseLimits } from '../app/options.js';
import type { KnowledgeIndex, Rag } from '../app/rag.js';
import type { KnowledgeAdmin } from '../spec/knowledge-admin.js';
import type { KnowledgeWriter } from '../spec/knowledge-writer.js';
import type { WorkQueue } from './work-queue.js';

/** Everything the routes share; built once by the serve command (or a test). */
export interface ServerContext {
  rag: Rag;
  /**
   * What is served, each under its name; at least one. With exactly one, the unscoped routes
   * (`/api/ask`, …) reach it too; the engines (`rag`, `queue`) are shared by all.
   */
  knowledgeBases: readonly ServedKnowledgeBase[];
  /** false: answers are the matching text itself (as `ask --no-generate`). */
  generate: boolean;
  /** Engine calls go through this queue. */
  queue: WorkQueue;
  limits: ServerLimits;
}

/** One knowledge base the server answers from, with the keys that open it. */
export interface ServedKnowledgeBase {
  /** Its name in routes (`/api/kb/{name}/…`): `[a-z0-9][a-z0-9_-]{0,63}`, unique on a server. */
  name: string;
  index: KnowledgeIndex;
  /** The knowledge base behind `index`, for browsing and editing. */
  store: KnowledgeAdmin & KnowledgeWriter;
  /** Keys that open this knowledge base (besides the admin key, `AppOptions.apiKey`); none: only the admin key does, or anyone when there is none. */
  keys: readonly string[];
}

export interface ServerLimits {
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /** Most inputs in one embeddings request. */
  maxInputs: number;
  /** Largest file `POST /api/upload` accepts, in bytes (as `ingest --max-file-size`). */
  maxUploadBytes: number;
  /** Most uploads received and read at once; more get 503 OVERLOADED with Retry-After. Default 4. */
  maxUploadsInFlight?: number | undefined;
  /** What parsing one uploaded file may cost (as `ingest --max-text`, `--parse-timeout`, `--parse-memory`). */
  parse?: Partial<ParseLimits> | undefined;
}

export const defaultLimits: ServerLimits = {
  maxBodyBytes: 1024 * 1024,
  maxInputs: 256,
  maxUploadBytes: 20 * 1024 * 1024,
};
