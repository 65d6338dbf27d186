import type { EmbeddingStamp } from '../../spec/embedding-stamp.js';
import type {
  CategorySummary,
  DocumentDetails,
  DocumentSummary,
  IntegrityReport,
  SearchDescription,
} from '../../spec/knowledge-admin.js';
import {
  type ChunkPassage,
  chunkNamespace,
  type DocumentFilter,
  type FilterMatch,
  type IndexedItem,
  type KeywordHit,
  type KeywordSearchOptions,
  type KnowledgeStore,
} from '../../spec/knowledge-store.js';
import type {
  CategoryWrite,
  DocumentWrite,
  Progress,
  Reembedding,
  StoredCategory,
  StoredChunk,
} from '../../spec/knowledge-writer.js';
import type { VectorSearchHit } from '../../spec/vector-store.js';
import type { KnowledgeLocation } from '../knowledge-location.js';
import { PostgresConnection } from './postgres-connection.js';
import * as writes from './postgres-document-writes.js';
import { matchFilter } from './postgres-filter-match.js';
import { checkIntegrity } from './postgres-integrity.js';
import { keywordSearch } from './postgres-keyword-search.js';
import * as queries from './postgres-knowledge-queries.js';
import { migrate } from './postgres-schema.js';
import { readSetting, readStamp, writeSetting } from './postgres-settings.js';
import { type PostgresVectorSearchOptions, PostgresVectorStore } from './postgres-vector-store.js';

export interface PostgresKnowledgeBaseOptions {
  /** false: refuse a schema without a knowledge base instead of creating it. Default true. */
  create?: boolean;
  vectorSearch?: PostgresVectorSearchOptions;
}

/**
 * A knowledge base in one schema of a PostgreSQL database with pgvector: the same tables as
 * the SQLite store, vectors in an HNSW cosine index, keyword search over tsvector columns.
 * Nothing is cached between calls, so several processes (two `serve`s) over one database
 * always answer from what is committed.
 */
export class PostgresKnowledgeBase implements KnowledgeStore {
  readonly vectors: PostgresVectorStore<IndexedItem>;
  private readonly knowledge: writes.PostgresKnowledge;

  private constructor(
    private readonly connection: PostgresConnection,
    vectorSearch: PostgresVectorSearchOptions,
  ) {
    this.vectors = new PostgresVectorStore<IndexedItem>(connection, false, vectorSearch);
    this.knowledge = { connection, vectors: this.vectors };
  }

  static async open(
    location: Extract<KnowledgeLocation, { kind: 'postgres' }>,
    options: PostgresKnowledgeBaseOptions = {},
  ): Promise<PostgresKnowledgeBase> {
    const connection = await PostgresConnection.open(location);
    try {
      await migrate(connection, { create: options.create ?? true });
    } catch (error) {
      await connection.close();
      throw error;
    }
    return new PostgresKnowledgeBase(connection, options.vectorSearch ?? {});
  }

  readonly ownFiles: readonly string[] = [];

  get location(): string {
    return this.connection.display;
  }

  readStamp(): Promise<EmbeddingStamp | undefined> {
    return readStamp(this.connection);
  }

  readSetting(key: string): Promise<string | undefined> {
    return readSetting(this.connection, key);
  }

  writeSetting(key: string, value: string): Promise<void> {
    return writeSetting(this.connection, key, value);
  }

  isEmpty(): Promise<boolean> {
    return queries.isEmpty(this.connection);
  }

  findDocument(source: string): Promise<{ id: number; contentHash: string } | undefined> {
    return queries.findDocument(this.connection, source);
  }

  findCategory(name: string): Promise<StoredCategory | undefined> {
    return queries.findCategory(this.connection, name);
  }

  categories(): Promise<StoredCategory[]> {
    return queries.categories(this.connection);
  }

  writeDocument(write: DocumentWrite, stamp: EmbeddingStamp): Promise<'added' | 'updated'> {
    return writes.writeDocument(this.knowledge, write, stamp);
  }

  writeCategory(category: Required<CategoryWrite>, stamp: EmbeddingStamp): Promise<boolean> {
    return writes.writeCategory(this.knowledge, category, stamp);
  }

  removeDocuments(ids: readonly number[]): Promise<number> {
    return writes.removeDocuments(this.knowledge, ids);
  }

  removeCategory(name: string): Promise<number> {
    return writes.removeCategory(this.knowledge, name);
  }

  documentsUnder(paths: readonly string[]): Promise<Array<{ id: number; source: string }>> {
    return queries.documentsUnder(this.connection, paths);
  }

  allChunks(): Promise<StoredChunk[]> {
    return queries.allChunks(this.connection);
  }

  reembedAll(
    stamp: EmbeddingStamp,
    work: (reembedding: Reembedding) => Promise<void>,
    options: { clearSettings?: readonly string[] } = {},
  ): Promise<void> {
    return writes.reembedAll(this.knowledge, stamp, work, options.clearSettings ?? []);
  }

  /** Builds the chunks' HNSW index once they exist (categories are few: scanned exactly). */
  prepareSearch(onProgress?: Progress): Promise<void> {
    return this.vectors.prepare(chunkNamespace, onProgress);
  }

  listCategories(): Promise<CategorySummary[]> {
    return queries.listCategories(this.connection);
  }

  listDocuments(category?: string): Promise<DocumentSummary[]> {
    return queries.listDocuments(this.connection, category);
  }

  documentsByTitle(title: string): Promise<DocumentDetails[]> {
    return queries.documentsByTitle(this.connection, title);
  }

  documentById(id: number): Promise<DocumentDetails | undefined> {
    return queries.documentById(this.connection, id);
  }

  describeSearch(): Promise<SearchDescription> {
    return this.vectors.describe(chunkNamespace);
  }

  checkIntegrity(): Promise<IntegrityReport> {
    return checkIntegrity(this.connection);
  }

  keywordSearch(query: string, options: KeywordSearchOptions): Promise<KeywordHit[]> {
    return keywordSearch(this.connection, query, options);
  }

  scoreChunks(vectorIds: readonly string[], query: Float32Array): Promise<VectorSearchHit<IndexedItem>[]> {
    return this.vectors.score(chunkNamespace, vectorIds, query);
  }

  matchFilter(filter: DocumentFilter): Promise<FilterMatch> {
    return matchFilter(this.connection, filter);
  }

  chunkPassages(vectorIds: readonly string[]): Promise<Map<string, ChunkPassage>> {
    return queries.chunkPassages(this.connection, vectorIds);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
