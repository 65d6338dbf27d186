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
  /** Chunks only: keep those of these categories. */
  categories?: readonly string[] | undefined;
}

/** What retrieval needs from a knowledge base: its vectors, keyword search, and the text behind chunk vectors. */
export interface SearchableKnowledge {
  readonly vectors: VectorStore<IndexedItem>;
  keywordSearch(query: string, options: KeywordSearchOptions): Promise<KeywordHit[]>;
  /** Exact similarity of specific chunks to a query vector (keyword hits outside the vector candidates). */
  scoreChunks(vectorIds: readonly string[], query: Float32Array): Promise<VectorSearchHit<IndexedItem>[]>;
  /** Chunk texts, with where each came from, by vector id. */
  chunkPassages(vectorIds: readonly string[]): Promise<Map<string, ChunkPassage>>;
  close(): Promise<void>;
}

/**
 * A persistent knowledge base: searched by retrieval, written by ingest, looked into by
 * `kb` and `serve`. SQLite and PostgreSQL implement it and pass the same contract suite
 * (src/stores/knowledge-store.contract.ts); only the composition root knows which one it has.
 */
export type KnowledgeStore = SearchableKnowledge & KnowledgeWriter & KnowledgeAdmin;
