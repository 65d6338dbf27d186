import { admitStamp, type EmbeddingStamp } from '../../knowledge/embedding-stamp.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import type { IndexedItem } from '../../spec/knowledge-store.js';
import type { CategoryWrite, DocumentWrite, Reembedding } from '../../spec/knowledge-writer.js';
import {
  categoryKeywordTokens,
  categoryVectorId,
  categoryVectorRecord,
  chunkKeywordTokens,
  chunkVectorId,
  chunkVectorRecord,
  encodeLocation,
} from '../knowledge-records.js';
import type { Database } from './open-database.js';
import { findCategory, findDocument, isEmpty } from './sqlite-knowledge-queries.js';
import { deleteSetting, readStamp, writeStamp } from './sqlite-settings.js';
import type { SqliteVectorStore } from './sqlite-vector-store.js';

// Writing a SQLite knowledge base. Each function is one transaction: a crash leaves every
// document entirely old or entirely new, never chunks without vectors. IMMEDIATE takes the
// write lock before reading, so the stamp check cannot race another writer.

export interface SqliteKnowledge {
  readonly database: Database;
  readonly vectors: SqliteVectorStore<IndexedItem>;
  readonly location: string;
}

export function writeDocument(
  knowledge: SqliteKnowledge,
  write: DocumentWrite,
  stamp: EmbeddingStamp,
): 'added' | 'updated' {
  const { database, vectors } = knowledge;
  return rollingBackCache(knowledge, () =>
    database
      .transaction(() => {
        admitWriter(knowledge, stamp);
        const categoryId = ensureCategory(knowledge, write.category);
        const existing = findDocument(database, write.source);
        const now = new Date().toISOString();
        const tagsJson = JSON.stringify(write.tags ?? []);
        let documentId: number;
        if (existing) {
          deleteChunks(knowledge, existing.id);
          database
            .prepare(
              'UPDATE documents SET category_id = ?, title = ?, content_hash = ?, updated_at = ?, pages = ?, tags = ? WHERE id = ?',
            )
            .run(categoryId, write.title, write.contentHash, now, write.pages ?? null, tagsJson, existing.id);
          documentId = existing.id;
        } else {
          documentId = Number(
            database
              .prepare(
                'INSERT INTO documents (category_id, source, title, content_hash, updated_at, pages, tags) VALUES (?, ?, ?, ?, ?, ?, ?)',
              )
              .run(categoryId, write.source, write.title, write.contentHash, now, write.pages ?? null, tagsJson)
              .lastInsertRowid,
          );
        }
        const insertChunk = database.prepare(
          'INSERT INTO chunks (document_id, position, text, tokens, vector_id, location) VALUES (?, ?, ?, ?, ?, ?)',
        );
        const insertTerms = database.prepare('INSERT INTO chunk_terms (rowid, terms) VALUES (?, ?)');
        for (const chunk of write.chunks) {
          const vectorId = chunkVectorId(documentId, chunk.position);
          const { lastInsertRowid } = insertChunk.run(
            documentId,
            chunk.position,
            chunk.text,
            chunk.tokens,
            vectorId,
            encodeLocation(chunk.location),
          );
          insertTerms.run(lastInsertRowid, chunkKeywordTokens(write.title, chunk.text).join(' '));
        }
        vectors.upsertInTransaction(
          write.chunks.map((chunk) =>
            chunkVectorRecord(
              { documentId, title: write.title, category: write.category.name, position: chunk.position },
              chunk.vector,
            ),
          ),
        );
        removeEmptyCategories(knowledge);
        return existing ? ('updated' as const) : ('added' as const);
      })
      .immediate(),
  );
}

export function writeCategory(
  knowledge: SqliteKnowledge,
  category: Required<CategoryWrite>,
  stamp: EmbeddingStamp,
): boolean {
  return rollingBackCache(knowledge, () =>
    knowledge.database
      .transaction(() => {
        // A category exists only with documents: one removed meanwhile stays removed.
        if (!findCategory(knowledge.database, category.name)) return false;
        admitWriter(knowledge, stamp);
        ensureCategory(knowledge, category);
        return true;
      })
      .immediate(),
  );
}

export function removeDocuments(knowledge: SqliteKnowledge, ids: readonly number[]): number {
  const { database } = knowledge;
  return rollingBackCache(knowledge, () =>
    database
      .transaction(() => {
        let removed = 0;
        for (const id of ids) {
          deleteChunks(knowledge, id);
          removed += database.prepare('DELETE FROM documents WHERE id = ?').run(id).changes;
        }
        removeEmptyCategories(knowledge);
        return removed;
      })
      .immediate(),
  );
}

export function removeCategory(knowledge: SqliteKnowledge, name: string): number {
  const category = findCategory(knowledge.database, name);
  if (!category) throw new GemmaRagError(errorCodes.notFound, `No category named "${name}" in ${knowledge.location}.`);
  const ids = knowledge.database.prepare('SELECT id FROM documents WHERE category_id = ?').all(category.id) as Array<{
    id: number;
  }>;
  return removeDocuments(
    knowledge,
    ids.map((row) => row.id),
  );
}

/** One write transaction that may await (re-embedding); rolled back if `work` throws or the process dies. */
export async function reembedAll(
  knowledge: SqliteKnowledge,
  stamp: EmbeddingStamp,
  work: (reembedding: Reembedding) => Promise<void>,
  clearSettings: readonly string[],
  /** How the write lock is taken: a caller may wait for it asynchronously. */
  begin: (start: () => void) => Promise<void> = async (start) => start(),
): Promise<void> {
  const { database, vectors } = knowledge;
  await begin(() => database.exec('BEGIN IMMEDIATE'));
  try {
    // The new vectors may differ in size from the old: drop them all first.
    vectors.dropAllInTransaction();
    await work({
      writeCategoryVectors: async (written) =>
        vectors.upsertInTransaction(written.map(({ name, vector }) => categoryVectorRecord(name, vector))),
      writeChunkVectors: async (written) =>
        vectors.upsertInTransaction(written.map(({ chunk, vector }) => chunkVectorRecord(chunk, vector))),
    });
    writeStamp(database, stamp);
    for (const key of clearSettings) deleteSetting(database, key);
    database.exec('COMMIT');
  } catch (error) {
    database.exec('ROLLBACK');
    vectors.invalidate();
    throw error;
  }
}

function admitWriter(knowledge: SqliteKnowledge, stamp: EmbeddingStamp): void {
  const { database, location } = knowledge;
  if (admitStamp(location, readStamp(database, location), isEmpty(database), stamp)) writeStamp(database, stamp);
}

/** A rolled-back transaction undid the rows; the vector cache may hold vectors that no longer exist. */
function rollingBackCache<Result>(knowledge: SqliteKnowledge, transaction: () => Result): Result {
  try {
    return transaction();
  } catch (error) {
    knowledge.vectors.invalidate();
    throw error;
  }
}

/** Inserts the category if new; stores a new vector and description when one is given. */
function ensureCategory(knowledge: SqliteKnowledge, category: CategoryWrite): number {
  const { database, vectors } = knowledge;
  const existing = findCategory(database, category.name);
  if (!existing && !category.vector) {
    throw new GemmaRagError(errorCodes.engineFailure, `Category "${category.name}" is new but has no vector.`);
  }
  if (category.vector) vectors.upsertInTransaction([categoryVectorRecord(category.name, category.vector)]);
  let id = existing?.id;
  if (id === undefined) {
    id = Number(
      database
        .prepare('INSERT INTO categories (name, description, vector_id) VALUES (?, ?, ?)')
        .run(category.name, category.description, categoryVectorId(category.name)).lastInsertRowid,
    );
  } else if (category.vector) {
    database.prepare('UPDATE categories SET description = ? WHERE id = ?').run(category.description, id);
  }
  if (category.vector) {
    database.prepare('DELETE FROM category_terms WHERE rowid = ?').run(id);
    database
      .prepare('INSERT INTO category_terms (rowid, terms) VALUES (?, ?)')
      .run(id, categoryKeywordTokens(category.name, category.description).join(' '));
  }
  return id;
}

function deleteChunks(knowledge: SqliteKnowledge, documentId: number): void {
  const { database, vectors } = knowledge;
  const rows = database
    .prepare('SELECT vector_id AS vectorId FROM chunks WHERE document_id = ?')
    .all(documentId) as Array<{
    vectorId: string;
  }>;
  vectors.deleteInTransaction(rows.map((row) => row.vectorId));
  database
    .prepare('DELETE FROM chunk_terms WHERE rowid IN (SELECT id FROM chunks WHERE document_id = ?)')
    .run(documentId);
  database.prepare('DELETE FROM chunks WHERE document_id = ?').run(documentId);
}

/** A category with no documents would still win stage 1 and then find nothing. */
function removeEmptyCategories(knowledge: SqliteKnowledge): void {
  const { database, vectors } = knowledge;
  const empty = database
    .prepare(
      'SELECT id, vector_id AS vectorId FROM categories c WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.category_id = c.id)',
    )
    .all() as Array<{ id: number; vectorId: string }>;
  vectors.deleteInTransaction(empty.map((row) => row.vectorId));
  for (const row of empty) {
    database.prepare('DELETE FROM category_terms WHERE rowid = ?').run(row.id);
    database.prepare('DELETE FROM categories WHERE id = ?').run(row.id);
  }
}
