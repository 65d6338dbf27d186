import type { KnowledgeAdmin } from './knowledge-admin.js';
import type { KnowledgeWriter } from './knowledge-writer.js';
import type { SourceLocation } from './source-location.js';
import type { VectorSearchHit, VectorStore } from './vector-store.js';

/** Metadata stored with a category's vector (embedded with the `Classification` prompt). */
export interface CategoryItem {
  kind: 'category';
  category: string;
}

/** Metadata stored with a chunk's vector (embedded as `title: {title} | text: {chunk}`). */
export interface ChunkItem {
  kind: 'chunk';
  category: string;
  documentId: number;
  title: string;
  position: number;
}

export type IndexedItem = CategoryItem | ChunkItem;

/** A chunk's text and its place: the document's source (file path) and where in it. */
export interface ChunkPassage {
  text: string;
  source: string;
  /** Absent for formats without places, and for chunks stored before locations were recorded. */
  location?: SourceLocation | undefined;
}

export const categoryNamespace = 'categories';
export const chunkNamespace = 'chunks';

/** A keyword (BM25) match: the vector id it belongs to and its score (higher is better). */
export interface KeywordHit {
  id: string;
  score: number;
}

export interface KeywordSearchOptions {
  namespace: typeof categoryNamespace | typeof chunkNamespace;
  /** At most this many hits, best first. */
  limit: number;
  /** Keep those of these categories (chunks: their document's category). */
  categories?: readonly string[] | undefined;
  /** Chunks only: keep those of these documents. */
  documentIds?: readonly number[] | undefined;
}

/**
 * Which documents a question may be answered from, as a person names them. Each list given
 * narrows the search (categories AND documents AND tags); the values inside one list are
 * alternatives. A document is named by its title, its source path, or the file name of it.
 */
export interface DocumentFilter {
  categories?: readonly string[] | undefined;
  documents?: readonly string[] | undefined;
  tags?: readonly string[] | undefined;
}

/** A filter as one knowledge base resolves it: what to search, and which named values it does not have. */
export interface FilterMatch {
  /** The categories holding at least one document that passes the filter. */
  categories: string[];
  /** The documents that pass, or null when the filter names only categories (all their documents pass). */
  documentIds: number[] | null;
  /** Values that match nothing in this knowledge base, per list. */
  unknown: { categories: string[]; documents: string[]; tags: string[] };
}

/** What retrieval needs from a knowledge base: its vectors, keyword search, and the text behind chunk vectors. */
export interface SearchableKnowledge {
  readonly vectors: VectorStore<IndexedItem>;
  keywordSearch(query: string, options: KeywordSearchOptions): Promise<KeywordHit[]>;
  /** Exact similarity of specific chunks to a query vector (keyword hits outside the vector candidates). */
  scoreChunks(vectorIds: readonly string[], query: Float32Array): Promise<VectorSearchHit<IndexedItem>[]>;
  /** Resolves a filter against this knowledge base (see retrieval/filter-scope.ts for the rule built on it). */
  matchFilter(filter: DocumentFilter): Promise<FilterMatch>;
  /** Chunk texts, with where each came from, by vector id. */
  chunkPassages(vectorIds: readonly string[]): Promise<Map<string, ChunkPassage>>;
  close(): Promise<void>;
}

/**
 * A persistent knowledge base: searched by retrieval, written by ingest, looked into by
 * `kb` and `serve`. SQLite and PostgreSQL implement it and pass the same contract suite
 * (src/stores/knowledge-store.contract.ts); only the composition root knows which one it has.
 * Disposable, so a command holds one with `await using` and closes it on every path.
 */
export type KnowledgeStore = SearchableKnowledge & KnowledgeWriter & KnowledgeAdmin & AsyncDisposable;
