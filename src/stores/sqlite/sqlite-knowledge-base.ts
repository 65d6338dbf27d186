import { resolve } from 'node:path';
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
  categoryNamespace,
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
import type { WriteLockWait } from '../open-knowledge-store.js';
import { defaultWriteLockWait, whenNotBusy } from './busy-wait.js';
import { type Database, openDatabase } from './open-database.js';
import * as writes from './sqlite-document-writes.js';
import { matchFilter } from './sqlite-filter-match.js';
import { checkIntegrity } from './sqlite-integrity.js';
import { keywordSearch } from './sqlite-keyword-search.js';
import * as queries from './sqlite-knowledge-queries.js';
import { readSetting, readStamp, writeSetting } from './sqlite-settings.js';
import { SqliteVectorStore, type SqliteVectorStoreOptions } from './sqlite-vector-store.js';

/**
 * A persistent knowledge base in one SQLite file: categories, documents (source, title,
 * content hash), chunks (text, tokens, position), their keyword index and their vectors.
 * Reading, writing, keyword search and integrity live in the sqlite-* files beside this one;
 * this class gathers them behind the KnowledgeStore interfaces.
 */
export class SqliteKnowledgeBase implements KnowledgeStore {
  readonly vectors: SqliteVectorStore<IndexedItem>;
  private readonly knowledge: writes.SqliteKnowledge;

  private constructor(
    readonly location: string,
    private readonly database: Database,
    vectorSearch: SqliteVectorStoreOptions,
    private readonly writeLockWait: WriteLockWait,
  ) {
    this.vectors = new SqliteVectorStore<IndexedItem>(database, false, vectorSearch);
    this.knowledge = { database, vectors: this.vectors, location };
  }

  /**
   * Opens or creates a knowledge base file (or `:memory:`). `vectorSearch` overrides when the
   * exact scan, the funnel and the HNSW graph take over, and the graph's settings.
   */
  static async open(
    path: string,
    options: { vectorSearch?: SqliteVectorStoreOptions; writeLockWait?: WriteLockWait | undefined } = {},
  ): Promise<SqliteKnowledgeBase> {
    return new SqliteKnowledgeBase(
      path,
      await openDatabase(path),
      options.vectorSearch ?? {},
      options.writeLockWait ?? defaultWriteLockWait,
    );
  }

  /** A write transaction, retried asynchronously while another process holds the write lock. */
  private write<Result>(attempt: () => Result): Promise<Result> {
    return whenNotBusy(this.database, this.location, this.writeLockWait, attempt);
  }

  get ownFiles(): readonly string[] {
    if (this.location === ':memory:') return [];
    const file = resolve(this.location);
    return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`, `${file}-graphs`];
  }

  /** The file (kept for callers that think of a SQLite knowledge base as a path). */
  get path(): string {
    return this.location;
  }

  async readStamp(): Promise<EmbeddingStamp | undefined> {
    return readStamp(this.database, this.location);
  }

  async readSetting(key: string): Promise<string | undefined> {
    return readSetting(this.database, key);
  }

  async writeSetting(key: string, value: string): Promise<void> {
    await this.write(() => writeSetting(this.database, key, value));
  }

  async isEmpty(): Promise<boolean> {
    return queries.isEmpty(this.database);
  }

  async findDocument(source: string): Promise<{ id: number; contentHash: string } | undefined> {
    return queries.findDocument(this.database, source);
  }

  async findCategory(name: string): Promise<StoredCategory | undefined> {
    return queries.findCategory(this.database, name);
  }

  async categories(): Promise<StoredCategory[]> {
    return queries.categories(this.database);
  }

  async writeDocument(write: DocumentWrite, stamp: EmbeddingStamp): Promise<'added' | 'updated'> {
    return this.write(() => writes.writeDocument(this.knowledge, write, stamp));
  }

  async writeCategory(category: Required<CategoryWrite>, stamp: EmbeddingStamp): Promise<boolean> {
    return this.write(() => writes.writeCategory(this.knowledge, category, stamp));
  }

  async removeDocuments(ids: readonly number[]): Promise<number> {
    return this.write(() => writes.removeDocuments(this.knowledge, ids));
  }

  async removeCategory(name: string): Promise<number> {
    return this.write(() => writes.removeCategory(this.knowledge, name));
  }

  async documentsUnder(paths: readonly string[]): Promise<Array<{ id: number; source: string }>> {
    return queries.documentsUnder(this.database, paths);
  }

  async allChunks(): Promise<StoredChunk[]> {
    return queries.allChunks(this.database);
  }

  reembedAll(
    stamp: EmbeddingStamp,
    work: (reembedding: Reembedding) => Promise<void>,
    options: { clearSettings?: readonly string[] } = {},
  ): Promise<void> {
    return writes.reembedAll(this.knowledge, stamp, work, options.clearSettings ?? [], (begin) => this.write(begin));
  }

  /**
   * Builds or refreshes the HNSW graph of a large chunk namespace so the first question does
   * not pay for it; reports graph-building progress.
   */
  async prepareSearch(onProgress?: Progress): Promise<void> {
    this.vectors.prepare(chunkNamespace, onProgress);
    this.vectors.prepare(categoryNamespace);
  }

  async listCategories(): Promise<CategorySummary[]> {
    return queries.listCategories(this.database);
  }

  async listDocuments(category?: string): Promise<DocumentSummary[]> {
    return queries.listDocuments(this.database, category);
  }

  async documentsByTitle(title: string): Promise<DocumentDetails[]> {
    return queries.documentsByTitle(this.database, title);
  }

  async documentById(id: number): Promise<DocumentDetails | undefined> {
    return queries.documentById(this.database, id);
  }

  async describeSearch(): Promise<SearchDescription> {
    return this.vectors.describe(chunkNamespace);
  }

  async checkIntegrity(): Promise<IntegrityReport> {
    return checkIntegrity(this.database);
  }

  async keywordSearch(query: string, options: KeywordSearchOptions): Promise<KeywordHit[]> {
    return keywordSearch(this.database, query, options);
  }

  scoreChunks(vectorIds: readonly string[], query: Float32Array): Promise<VectorSearchHit<IndexedItem>[]> {
    return this.vectors.score(chunkNamespace, vectorIds, query);
  }

  async matchFilter(filter: DocumentFilter): Promise<FilterMatch> {
    return matchFilter(this.database, filter);
  }

  async chunkPassages(vectorIds: readonly string[]): Promise<Map<string, ChunkPassage>> {
    return queries.chunkPassages(this.database, vectorIds);
  }

  async close(): Promise<void> {
    await this.vectors.close();
    this.database.close();
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
