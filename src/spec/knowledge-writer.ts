import type { EmbeddingStamp } from './embedding-stamp.js';
import type { SourceLocation } from './source-location.js';

export interface StoredCategory {
  id: number;
  name: string;
  description: string;
}

export interface CategoryWrite {
  name: string;
  description: string;
  /** Needed when the category is new; given for an existing one, it replaces its vector and description. */
  vector?: Float32Array | undefined;
}

export interface ChunkWrite {
  position: number;
  text: string;
  tokens: number;
  vector: Float32Array;
  /** Where in its file the chunk came from (pages, headings, sheet and rows, slides). */
  location?: SourceLocation | undefined;
}

export interface DocumentWrite {
  source: string;
  title: string;
  contentHash: string;
  /** Pages in the file (PDF), when the format has pages. */
  pages?: number | undefined;
  /** Labels that filters select by (normalized by knowledge/tags.ts); none when absent. */
  tags?: readonly string[] | undefined;
  category: CategoryWrite;
  chunks: readonly ChunkWrite[];
}

/** A stored chunk with what re-embedding it needs. */
export interface StoredChunk {
  vectorId: string;
  documentId: number;
  title: string;
  category: string;
  position: number;
  text: string;
}

/** What a re-embedding writes inside its one transaction. */
export interface Reembedding {
  writeCategoryVectors(vectors: ReadonlyArray<{ name: string; vector: Float32Array }>): Promise<void>;
  writeChunkVectors(vectors: ReadonlyArray<{ chunk: StoredChunk; vector: Float32Array }>): Promise<void>;
}

export type Progress = (done: number, total: number) => void;

/**
 * What ingest and reindex need from a knowledge base. Every write that stores vectors takes
 * the embedding stamp they were made with and checks it against the stored one in the same
 * transaction, so two writers with different models can never mix vectors, however they race.
 */
export interface KnowledgeWriter {
  /** Where the knowledge base is, safe to print: a database URL has its password masked. */
  readonly location: string;
  /**
   * Files and folders on this machine that hold the knowledge base itself (a SQLite file, its
   * journal and search graphs); ingest never reads them as documents. Empty for a server database.
   */
  readonly ownFiles: readonly string[];
  readStamp(): Promise<EmbeddingStamp | undefined>;
  /** True when the knowledge base holds no documents. */
  isEmpty(): Promise<boolean>;
  findDocument(source: string): Promise<{ id: number; contentHash: string } | undefined>;
  findCategory(name: string): Promise<StoredCategory | undefined>;
  categories(): Promise<StoredCategory[]>;
  /**
   * Adds or replaces one document with its chunks, vectors and category, in one transaction.
   * An empty knowledge base takes `stamp` as its own; any other refuses a different one
   * (KNOWLEDGE_BASE_MISMATCH) without writing anything.
   */
  writeDocument(write: DocumentWrite, stamp: EmbeddingStamp): Promise<'added' | 'updated'>;
  /**
   * Replaces an existing category's vector and description (its description changed).
   * Returns false, writing nothing, when there is no such category (a category exists only
   * with documents).
   */
  writeCategory(category: Required<CategoryWrite>, stamp: EmbeddingStamp): Promise<boolean>;
  /** Removes documents (and categories left empty) in one transaction; returns how many were removed. */
  removeDocuments(ids: readonly number[]): Promise<number>;
  /** Documents whose source is one of `paths` or lies under one of them (folders). */
  documentsUnder(paths: readonly string[]): Promise<Array<{ id: number; source: string }>>;
  /** Every chunk, in a stable order. */
  allChunks(): Promise<StoredChunk[]>;
  /**
   * Replaces every vector, all or nothing: drops them, lets `work` write new ones, then stores
   * `stamp` and deletes the settings in `clearSettings`, in one transaction. If `work` throws
   * or the process dies, the old vectors and stamp remain. Other writers wait meanwhile.
   */
  reembedAll(
    stamp: EmbeddingStamp,
    work: (reembedding: Reembedding) => Promise<void>,
    options?: { clearSettings?: readonly string[] },
  ): Promise<void>;
  /** Builds what search needs now (an index or graph) rather than on the first question. */
  prepareSearch(onProgress?: Progress): Promise<void>;
  readSetting(key: string): Promise<string | undefined>;
  writeSetting(key: string, value: string): Promise<void>;
}
