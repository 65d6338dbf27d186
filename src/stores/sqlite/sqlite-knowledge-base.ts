import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import {
  type ChunkItem,
  type ChunkPassage,
  categoryNamespace,
  chunkNamespace,
  type IndexedItem,
  type KeywordHit,
  type KeywordSearchOptions,
  type SearchableKnowledge,
} from '../../spec/knowledge-store.js';
import type { SourceLocation } from '../../spec/source-location.js';
import type { VectorSearchHit } from '../../spec/vector-store.js';
import { keywordTerms } from '../../text/keyword-terms.js';
import type { EmbeddingStamp } from './embedding-stamp.js';
import { type Database, openDatabase } from './open-database.js';
import { SqliteVectorStore, type SqliteVectorStoreOptions } from './sqlite-vector-store.js';

export interface StoredCategory {
  id: number;
  name: string;
  description: string;
}

export interface DocumentWrite {
  source: string;
  title: string;
  contentHash: string;
  /** Pages in the file (PDF), when the format has pages. */
  pages?: number | undefined;
  category: { name: string; description: string; vector?: Float32Array | undefined };
  chunks: Array<{
    position: number;
    text: string;
    tokens: number;
    vector: Float32Array;
    location?: SourceLocation | undefined;
  }>;
}

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
}

export interface DocumentDetails {
  id: number;
  title: string;
  category: string;
  source: string;
  chunks: Array<{ position: number; tokens: number; text: string; location?: SourceLocation }>;
}

export interface IntegrityReport {
  integrityCheck: string;
  chunksWithoutVectors: number;
  vectorsWithoutOwners: number;
  documentsWithoutChunks: number;
  categoriesWithoutVectors: number;
  /** Chunks missing from the keyword index, plus keyword rows whose chunk is gone. */
  keywordRowsOutOfStep: number;
}

const stampKey = 'embedding-stamp';

const chunkVectorId = (documentId: number, position: number) => `chunk:${documentId}:${position}`;
export const categoryVectorId = (name: string) => `category:${name}`;

/**
 * A persistent knowledge base in one SQLite file: categories, documents (source, title,
 * content hash), chunks (text, tokens, position) and their vectors. Every change to a
 * document is one transaction, so a crash leaves each document either entirely old or
 * entirely new — never chunks without vectors.
 */
export class SqliteKnowledgeBase implements SearchableKnowledge {
  readonly vectors: SqliteVectorStore<IndexedItem>;

  private constructor(
    readonly path: string,
    private readonly database: Database,
    vectorSearch: SqliteVectorStoreOptions,
  ) {
    this.vectors = new SqliteVectorStore<IndexedItem>(database, false, vectorSearch);
  }

  /**
   * Opens or creates a knowledge base file. `vectorSearch` overrides when the exact scan,
   * the funnel and the HNSW graph take over, and the graph's settings (see SqliteVectorStore).
   */
  static async open(
    path: string,
    options: { vectorSearch?: SqliteVectorStoreOptions } = {},
  ): Promise<SqliteKnowledgeBase> {
    return new SqliteKnowledgeBase(path, await openDatabase(path), options.vectorSearch ?? {});
  }

  getStamp(): EmbeddingStamp | undefined {
    const row = this.database.prepare('SELECT value FROM meta WHERE key = ?').get(stampKey) as
      | { value: string }
      | undefined;
    return row ? (JSON.parse(row.value) as EmbeddingStamp) : undefined;
  }

  setStamp(stamp: EmbeddingStamp): void {
    this.setMeta(stampKey, JSON.stringify(stamp));
  }

  getMeta(key: string): string | undefined {
    return (this.database.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)
      ?.value;
  }

  setMeta(key: string, value: string): void {
    this.database
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  deleteMeta(key: string): void {
    this.database.prepare('DELETE FROM meta WHERE key = ?').run(key);
  }

  isEmpty(): boolean {
    return (this.database.prepare('SELECT count(*) AS total FROM documents').get() as { total: number }).total === 0;
  }

  findDocument(source: string): { id: number; contentHash: string } | undefined {
    return this.database
      .prepare('SELECT id, content_hash AS contentHash FROM documents WHERE source = ?')
      .get(source) as { id: number; contentHash: string } | undefined;
  }

  findCategory(name: string): StoredCategory | undefined {
    return this.database.prepare('SELECT id, name, description FROM categories WHERE name = ?').get(name) as
      | StoredCategory
      | undefined;
  }

  categories(): StoredCategory[] {
    return this.database
      .prepare('SELECT id, name, description FROM categories ORDER BY name')
      .all() as StoredCategory[];
  }

  /** Adds or replaces one document with its chunks and vectors, atomically. */
  writeDocument(write: DocumentWrite): 'added' | 'updated' {
    try {
      return this.database.transaction(() => {
        const categoryId = this.ensureCategory(write.category);
        const existing = this.findDocument(write.source);
        const now = new Date().toISOString();
        let documentId: number;
        if (existing) {
          this.deleteChunks(existing.id);
          this.database
            .prepare(
              'UPDATE documents SET category_id = ?, title = ?, content_hash = ?, updated_at = ?, pages = ? WHERE id = ?',
            )
            .run(categoryId, write.title, write.contentHash, now, write.pages ?? null, existing.id);
          documentId = existing.id;
        } else {
          documentId = Number(
            this.database
              .prepare(
                'INSERT INTO documents (category_id, source, title, content_hash, updated_at, pages) VALUES (?, ?, ?, ?, ?, ?)',
              )
              .run(categoryId, write.source, write.title, write.contentHash, now, write.pages ?? null).lastInsertRowid,
          );
        }
        const insertChunk = this.database.prepare(
          'INSERT INTO chunks (document_id, position, text, tokens, vector_id, location) VALUES (?, ?, ?, ?, ?, ?)',
        );
        const insertTerms = this.database.prepare('INSERT INTO chunk_terms (rowid, terms) VALUES (?, ?)');
        for (const chunk of write.chunks) {
          const { lastInsertRowid } = insertChunk.run(
            documentId,
            chunk.position,
            chunk.text,
            chunk.tokens,
            chunkVectorId(documentId, chunk.position),
            encodeLocation(chunk.location),
          );
          insertTerms.run(lastInsertRowid, keywordTerms(`${write.title}\n${chunk.text}`).join(' '));
        }
        this.vectors.upsertInTransaction(
          write.chunks.map((chunk) => ({
            id: chunkVectorId(documentId, chunk.position),
            namespace: chunkNamespace,
            vector: chunk.vector,
            metadata: {
              kind: 'chunk',
              category: write.category.name,
              documentId,
              title: write.title,
              position: chunk.position,
            } satisfies ChunkItem,
          })),
        );
        this.removeEmptyCategories();
        return existing ? ('updated' as const) : ('added' as const);
      })();
    } catch (error) {
      // The rollback undid the rows; the cache may hold vectors that no longer exist.
      this.vectors.invalidate();
      throw error;
    }
  }

  /** Stores a category's (new) vector and description, e.g. when its description changed. */
  writeCategory(category: { name: string; description: string; vector: Float32Array }): void {
    this.database.transaction(() => this.ensureCategory(category))();
  }

  /** Removes documents (and categories left empty) atomically; returns how many were removed. */
  removeDocuments(ids: readonly number[]): number {
    return this.database.transaction(() => {
      let removed = 0;
      for (const id of ids) {
        this.deleteChunks(id);
        removed += this.database.prepare('DELETE FROM documents WHERE id = ?').run(id).changes;
      }
      this.removeEmptyCategories();
      return removed;
    })();
  }

  removeCategory(name: string): number {
    const category = this.findCategory(name);
    if (!category) throw notFound(`No category named "${name}" in ${this.path}.`);
    const ids = this.database.prepare('SELECT id FROM documents WHERE category_id = ?').all(category.id) as Array<{
      id: number;
    }>;
    return this.removeDocuments(ids.map((row) => row.id));
  }

  /** Documents whose source is one of `paths` or lies under one of them (folders). */
  documentsUnder(paths: readonly string[]): Array<{ id: number; source: string }> {
    const rows = this.database.prepare('SELECT id, source FROM documents').all() as Array<{
      id: number;
      source: string;
    }>;
    return rows.filter(({ source }) => {
      const file = source.split('#')[0] ?? source;
      return paths.some((path) => file === path || file.startsWith(path.endsWith('/') ? path : `${path}/`));
    });
  }

  listCategories(): CategorySummary[] {
    return this.database
      .prepare(
        `SELECT c.name AS name, count(DISTINCT d.id) AS documents,
           (SELECT count(*) FROM chunks k JOIN documents e ON e.id = k.document_id WHERE e.category_id = c.id) AS chunks,
           coalesce(sum(d.pages), 0) AS pages
         FROM categories c LEFT JOIN documents d ON d.category_id = c.id
         GROUP BY c.id ORDER BY c.name`,
      )
      .all() as CategorySummary[];
  }

  listDocuments(category?: string): DocumentSummary[] {
    return this.database
      .prepare(
        `SELECT d.id AS id, d.title AS title, c.name AS category, d.source AS source, count(k.id) AS chunks,
           d.pages AS pages, d.updated_at AS ingestedAt
         FROM documents d JOIN categories c ON c.id = d.category_id LEFT JOIN chunks k ON k.document_id = d.id
         WHERE (? IS NULL OR c.name = ?) GROUP BY d.id ORDER BY c.name, d.title, d.id`,
      )
      .all(category ?? null, category ?? null) as DocumentSummary[];
  }

  documentsByTitle(title: string): DocumentDetails[] {
    const ids = this.database.prepare('SELECT id FROM documents WHERE title = ? ORDER BY id').all(title) as Array<{
      id: number;
    }>;
    return ids.map(({ id }) => this.documentById(id) as DocumentDetails);
  }

  /**
   * BM25 over chunk or category terms. Query terms are OR-ed: a chunk sharing any one
   * term is a candidate, ranked by FTS5's bm25() (negated, so higher is better).
   */
  async keywordSearch(query: string, options: KeywordSearchOptions): Promise<KeywordHit[]> {
    const terms = [...new Set(keywordTerms(query))];
    if (terms.length === 0 || options.limit <= 0) return [];
    const match = terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' OR ');
    if (options.namespace === categoryNamespace) {
      const rows = this.database
        .prepare(
          `SELECT c.name AS name, -bm25(category_terms) AS score FROM category_terms JOIN categories c ON c.id = category_terms.rowid
           WHERE category_terms MATCH ? ORDER BY score DESC, c.name LIMIT ?`,
        )
        .all(match, options.limit) as Array<{ name: string; score: number }>;
      return rows.map((row) => ({ id: categoryVectorId(row.name), score: row.score }));
    }
    const categories = options.categories ? [...options.categories] : undefined;
    const rows = this.database
      .prepare(
        `SELECT k.vector_id AS id, -bm25(chunk_terms) AS score FROM chunk_terms
         JOIN chunks k ON k.id = chunk_terms.rowid JOIN documents d ON d.id = k.document_id JOIN categories c ON c.id = d.category_id
         WHERE chunk_terms MATCH ? ${categories ? `AND c.name IN (${categories.map(() => '?').join(', ')})` : ''}
         ORDER BY score DESC, k.vector_id LIMIT ?`,
      )
      .all(match, ...(categories ?? []), options.limit) as KeywordHit[];
    return rows;
  }

  scoreChunks(vectorIds: readonly string[], query: Float32Array): Promise<VectorSearchHit<IndexedItem>[]> {
    return this.vectors.score(chunkNamespace, vectorIds, query);
  }

  documentById(id: number): DocumentDetails | undefined {
    const document = this.database
      .prepare(
        'SELECT d.id AS id, d.title AS title, c.name AS category, d.source AS source FROM documents d JOIN categories c ON c.id = d.category_id WHERE d.id = ?',
      )
      .get(id) as Omit<DocumentDetails, 'chunks'> | undefined;
    if (!document) return undefined;
    const rows = this.database
      .prepare('SELECT position, tokens, text, location FROM chunks WHERE document_id = ? ORDER BY position')
      .all(id) as Array<{ position: number; tokens: number; text: string; location: string | null }>;
    const chunks = rows.map(({ location, ...chunk }) => {
      const decoded = decodeLocation(location);
      return decoded ? { ...chunk, location: decoded } : chunk;
    });
    return { ...document, chunks };
  }

  async chunkPassages(vectorIds: readonly string[]): Promise<Map<string, ChunkPassage>> {
    const statement = this.database.prepare(
      'SELECT k.text AS text, d.source AS source, k.location AS location FROM chunks k JOIN documents d ON d.id = k.document_id WHERE k.vector_id = ?',
    );
    const passages = new Map<string, ChunkPassage>();
    for (const id of vectorIds) {
      const row = statement.get(id) as { text: string; source: string; location: string | null } | undefined;
      if (row) passages.set(id, { text: row.text, source: row.source, location: decodeLocation(row.location) });
    }
    return passages;
  }

  /** Every chunk with what re-embedding it needs, in a stable order. */
  allChunks(): Array<{
    vectorId: string;
    documentId: number;
    title: string;
    category: string;
    position: number;
    text: string;
  }> {
    return this.database
      .prepare(
        `SELECT k.vector_id AS vectorId, d.id AS documentId, d.title AS title, c.name AS category, k.position AS position, k.text AS text
         FROM chunks k JOIN documents d ON d.id = k.document_id JOIN categories c ON c.id = d.category_id ORDER BY d.id, k.position`,
      )
      .all() as ReturnType<SqliteKnowledgeBase['allChunks']>;
  }

  /**
   * Runs `work` in one write transaction that may await (re-embedding); everything it
   * wrote is rolled back if it throws or the process dies before it returns.
   */
  async inTransaction<Result>(work: () => Promise<Result>): Promise<Result> {
    this.database.exec('BEGIN IMMEDIATE');
    try {
      const result = await work();
      this.database.exec('COMMIT');
      return result;
    } catch (error) {
      this.database.exec('ROLLBACK');
      this.vectors.invalidate();
      throw error;
    }
  }

  /** For re-embedding inside `inTransaction`: the new vectors may differ in size from the old. */
  dropAllVectors(): void {
    this.vectors.dropAllInTransaction();
  }

  /** For re-embedding inside `inTransaction`: replaces one vector, keeping its metadata. */
  replaceVector(id: string, namespace: string, vector: Float32Array, metadata: IndexedItem): void {
    this.vectors.upsertInTransaction([{ id, namespace, vector, metadata }]);
  }

  checkIntegrity(): IntegrityReport {
    const count = (sql: string) => (this.database.prepare(sql).get() as { total: number }).total;
    return {
      integrityCheck: String(this.database.pragma('integrity_check', { simple: true })),
      chunksWithoutVectors: count(
        'SELECT count(*) AS total FROM chunks k LEFT JOIN vectors v ON v.id = k.vector_id WHERE v.id IS NULL',
      ),
      vectorsWithoutOwners: count(
        `SELECT count(*) AS total FROM vectors v WHERE NOT EXISTS (SELECT 1 FROM chunks k WHERE k.vector_id = v.id)
         AND NOT EXISTS (SELECT 1 FROM categories c WHERE c.vector_id = v.id)`,
      ),
      documentsWithoutChunks: count(
        'SELECT count(*) AS total FROM documents d WHERE NOT EXISTS (SELECT 1 FROM chunks k WHERE k.document_id = d.id)',
      ),
      keywordRowsOutOfStep:
        count(
          'SELECT count(*) AS total FROM chunks k WHERE NOT EXISTS (SELECT 1 FROM chunk_terms t WHERE t.rowid = k.id)',
        ) +
        count(
          'SELECT count(*) AS total FROM chunk_terms t WHERE NOT EXISTS (SELECT 1 FROM chunks k WHERE k.id = t.rowid)',
        ),
      categoriesWithoutVectors: count(
        'SELECT count(*) AS total FROM categories c LEFT JOIN vectors v ON v.id = c.vector_id WHERE v.id IS NULL',
      ),
    };
  }

  /**
   * Builds or refreshes the search structures (the HNSW graph of a large chunk namespace)
   * so the first question does not pay for them; reports graph-building progress.
   */
  prepareSearch(onProgress?: (done: number, total: number) => void): void {
    this.vectors.prepare(chunkNamespace, onProgress);
    this.vectors.prepare(categoryNamespace);
  }

  async close(): Promise<void> {
    await this.vectors.close();
    this.database.close();
  }

  /** Inserts the category if new; stores a new vector and description when one is given. */
  private ensureCategory(category: DocumentWrite['category']): number {
    const existing = this.findCategory(category.name);
    const vectorId = categoryVectorId(category.name);
    if (!existing && !category.vector) {
      throw new GemmaRagError(errorCodes.engineFailure, `Category "${category.name}" is new but has no vector.`);
    }
    if (category.vector) {
      this.vectors.upsertInTransaction([
        {
          id: vectorId,
          namespace: categoryNamespace,
          vector: category.vector,
          metadata: { kind: 'category', category: category.name },
        },
      ]);
    }
    let id = existing?.id;
    if (id === undefined) {
      id = Number(
        this.database
          .prepare('INSERT INTO categories (name, description, vector_id) VALUES (?, ?, ?)')
          .run(category.name, category.description, vectorId).lastInsertRowid,
      );
    } else if (category.vector) {
      this.database.prepare('UPDATE categories SET description = ? WHERE id = ?').run(category.description, id);
    }
    if (category.vector) {
      this.database.prepare('DELETE FROM category_terms WHERE rowid = ?').run(id);
      this.database
        .prepare('INSERT INTO category_terms (rowid, terms) VALUES (?, ?)')
        .run(id, keywordTerms(`${category.name}\n${category.description}`).join(' '));
    }
    return id;
  }

  private deleteChunks(documentId: number): void {
    const rows = this.database
      .prepare('SELECT vector_id AS vectorId FROM chunks WHERE document_id = ?')
      .all(documentId) as Array<{
      vectorId: string;
    }>;
    this.vectors.deleteInTransaction(rows.map((row) => row.vectorId));
    this.database
      .prepare('DELETE FROM chunk_terms WHERE rowid IN (SELECT id FROM chunks WHERE document_id = ?)')
      .run(documentId);
    this.database.prepare('DELETE FROM chunks WHERE document_id = ?').run(documentId);
  }

  /** A category with no documents would still win stage 1 and then find nothing. */
  private removeEmptyCategories(): void {
    const empty = this.database
      .prepare(
        'SELECT id, vector_id AS vectorId FROM categories c WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.category_id = c.id)',
      )
      .all() as Array<{ id: number; vectorId: string }>;
    this.vectors.deleteInTransaction(empty.map((row) => row.vectorId));
    for (const row of empty) {
      this.database.prepare('DELETE FROM category_terms WHERE rowid = ?').run(row.id);
      this.database.prepare('DELETE FROM categories WHERE id = ?').run(row.id);
    }
  }
}

/** A location as stored: JSON, or NULL when the format has no places. */
function encodeLocation(location: SourceLocation | undefined): string | null {
  return location && Object.keys(location).length > 0 ? JSON.stringify(location) : null;
}

/** Rows written before locations were recorded, and damaged values, read as no location. */
function decodeLocation(value: string | null): SourceLocation | undefined {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? (parsed as SourceLocation) : undefined;
  } catch {
    return undefined;
  }
}

function notFound(message: string): GemmaRagError {
  return new GemmaRagError(errorCodes.notFound, message);
}
