import type { SourceLocation } from './source-location.js';

export interface CategorySummary {
  name: string;
  documents: number;
  chunks: number;
  /** Pages of its paged documents (PDF); 0 when none has pages. */
  pages: number;
}

export interface DocumentSummary {
  id: number;
  title: string;
  category: string;
  source: string;
  chunks: number;
  /** Pages in the file (PDF); null for formats without pages or documents stored before pages were recorded. */
  pages: number | null;
  /** When the document's current text was written (ISO 8601). */
  ingestedAt: string;
  tags: string[];
}

export interface DocumentDetails {
  id: number;
  title: string;
  category: string;
  source: string;
  tags: string[];
  chunks: Array<{ position: number; tokens: number; text: string; location?: SourceLocation }>;
}

/** How a knowledge base's chunks are searched, read without loading or building anything. */
export interface SearchDescription {
  vectors: number;
  /**
   * exact: a full scan; funnel: sign-bit codes with exact re-scoring; graph: a persisted HNSW
   * graph beside a SQLite file; hnsw: a pgvector HNSW index inside PostgreSQL.
   */
  method: 'exact' | 'funnel' | 'graph' | 'hnsw';
  /** For 'graph': its file (null until built), measured candidates and recall, writes not yet in the file. */
  graph?: { file: string | null; candidates: number | null; measuredRecall: number | null; pendingChanges: number };
  /** For 'hnsw': the index and the breadth of each search. */
  hnsw?: { index: string; efSearch: number };
}

/** Zero everywhere (and `integrityCheck` "ok") for a healthy knowledge base. */
export interface IntegrityReport {
  integrityCheck: string;
  chunksWithoutVectors: number;
  vectorsWithoutOwners: number;
  documentsWithoutChunks: number;
  categoriesWithoutVectors: number;
  /** Chunks missing from the keyword index, plus keyword rows whose chunk is gone. */
  keywordRowsOutOfStep: number;
}

/** What `kb`, `serve` and `calibrate` need to look into and edit a knowledge base. */
export interface KnowledgeAdmin {
  /** Where the knowledge base is, safe to print: a database URL has its password masked. */
  readonly location: string;
  listCategories(): Promise<CategorySummary[]>;
  listDocuments(category?: string): Promise<DocumentSummary[]>;
  documentsByTitle(title: string): Promise<DocumentDetails[]>;
  documentById(id: number): Promise<DocumentDetails | undefined>;
  removeDocuments(ids: readonly number[]): Promise<number>;
  /** Removes a category and all its documents; NOT_FOUND if there is no such category. */
  removeCategory(name: string): Promise<number>;
  describeSearch(): Promise<SearchDescription>;
  checkIntegrity(): Promise<IntegrityReport>;
  readSetting(key: string): Promise<string | undefined>;
  writeSetting(key: string, value: string): Promise<void>;
}
