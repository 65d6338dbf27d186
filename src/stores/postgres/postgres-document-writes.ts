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
import type { PostgresConnection, Queryable } from './postgres-connection.js';
import { adjustKeywordTotals, type KeywordNamespace, tsvectorLiteral } from './postgres-keyword-rows.js';
import { findCategory, findDocument, isEmpty } from './postgres-knowledge-queries.js';
import { deleteSetting, readStamp, writeStamp } from './postgres-settings.js';
import type { PostgresVectorStore } from './postgres-vector-store.js';
import { writeLock } from './postgres-write-lock.js';

// Writing a PostgreSQL knowledge base. Each function is one transaction under the write lock:
// a crash or a killed process leaves every document entirely old or entirely new.

export interface PostgresKnowledge {
  readonly connection: PostgresConnection;
  readonly vectors: PostgresVectorStore<IndexedItem>;
}

export function writeDocument(
  knowledge: PostgresKnowledge,
  write: DocumentWrite,
  stamp: EmbeddingStamp,
): Promise<'added' | 'updated'> {
  const { connection, vectors } = knowledge;
  const s = connection.schema;
  return connection.transaction(async (client) => {
    await admitWriter(knowledge, client, stamp);
    const categoryId = await ensureCategory(knowledge, client, write.category);
    const existing = await findDocument(connection, write.source, client);
    let documentId: number;
    if (existing) {
      await deleteChunks(knowledge, client, existing.id);
      await connection.query(
        `UPDATE ${s}.documents SET category_id = $1, title = $2, content_hash = $3, updated_at = now(), pages = $5, tags = $6 WHERE id = $4`,
        [categoryId, write.title, write.contentHash, existing.id, write.pages ?? null, [...(write.tags ?? [])]],
        client,
      );
      documentId = existing.id;
    } else {
      const [row] = await connection.query<{ id: number }>(
        `INSERT INTO ${s}.documents (category_id, source, title, content_hash, updated_at, pages, tags) VALUES ($1, $2, $3, $4, now(), $5, $6) RETURNING id`,
        [categoryId, write.source, write.title, write.contentHash, write.pages ?? null, [...(write.tags ?? [])]],
        client,
      );
      documentId = (row as { id: number }).id;
    }
    const tokens = write.chunks.map((chunk) => chunkKeywordTokens(write.title, chunk.text));
    await connection.query(
      `INSERT INTO ${s}.chunks (document_id, position, text, tokens, vector_id, terms, term_count, location)
       SELECT $1, position, text, tokens, vector_id, terms::tsvector, term_count, location
       FROM unnest($2::int[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[])
         AS c(position, text, tokens, vector_id, terms, term_count, location)`,
      [
        documentId,
        write.chunks.map((chunk) => chunk.position),
        write.chunks.map((chunk) => chunk.text),
        write.chunks.map((chunk) => chunk.tokens),
        write.chunks.map((chunk) => chunkVectorId(documentId, chunk.position)),
        tokens.map(tsvectorLiteral),
        tokens.map((list) => list.length),
        write.chunks.map((chunk) => encodeLocation(chunk.location)),
      ],
      client,
    );
    await adjustKeywordTotals(
      connection,
      client,
      'chunks',
      write.chunks.length,
      tokens.reduce((sum, list) => sum + list.length, 0),
    );
    await vectors.upsertWith(
      client,
      write.chunks.map((chunk) =>
        chunkVectorRecord(
          { documentId, title: write.title, category: write.category.name, position: chunk.position },
          chunk.vector,
        ),
      ),
    );
    await removeEmptyCategories(knowledge, client);
    return existing ? 'updated' : 'added';
  });
}

export function writeCategory(
  knowledge: PostgresKnowledge,
  category: Required<CategoryWrite>,
  stamp: EmbeddingStamp,
): Promise<boolean> {
  return knowledge.connection.transaction(async (client) => {
    await writeLock(knowledge.connection, client);
    // A category exists only with documents: one removed meanwhile stays removed.
    if (!(await findCategory(knowledge.connection, category.name, client))) return false;
    await admitWriter(knowledge, client, stamp);
    await ensureCategory(knowledge, client, category);
    return true;
  });
}

export function removeDocuments(knowledge: PostgresKnowledge, ids: readonly number[]): Promise<number> {
  const { connection } = knowledge;
  return connection.transaction(async (client) => {
    await writeLock(connection, client);
    let removed = 0;
    for (const id of ids) {
      await deleteChunks(knowledge, client, id);
      removed += (
        await connection.query(`DELETE FROM ${connection.schema}.documents WHERE id = $1 RETURNING id`, [id], client)
      ).length;
    }
    await removeEmptyCategories(knowledge, client);
    return removed;
  });
}

export async function removeCategory(knowledge: PostgresKnowledge, name: string): Promise<number> {
  const { connection } = knowledge;
  const category = await findCategory(connection, name);
  if (!category) throw new GemmaRagError(errorCodes.notFound, `No category named "${name}" in ${connection.display}.`);
  const rows = await connection.query<{ id: number }>(
    `SELECT id FROM ${connection.schema}.documents WHERE category_id = $1`,
    [category.id],
  );
  return removeDocuments(
    knowledge,
    rows.map((row) => row.id),
  );
}

/** One transaction that awaits re-embedding; rolled back if `work` throws or the connection dies. */
export function reembedAll(
  knowledge: PostgresKnowledge,
  stamp: EmbeddingStamp,
  work: (reembedding: Reembedding) => Promise<void>,
  clearSettings: readonly string[],
): Promise<void> {
  const { connection, vectors } = knowledge;
  return connection.transaction(async (client) => {
    await writeLock(connection, client);
    // The new vectors may differ in size from the old: drop them all first.
    await vectors.dropAllWith(client);
    await work({
      writeCategoryVectors: (written) =>
        vectors.upsertWith(
          client,
          written.map(({ name, vector }) => categoryVectorRecord(name, vector)),
        ),
      writeChunkVectors: (written) =>
        vectors.upsertWith(
          client,
          written.map(({ chunk, vector }) => chunkVectorRecord(chunk, vector)),
        ),
    });
    await writeStamp(connection, stamp, client);
    for (const key of clearSettings) await deleteSetting(connection, key, client);
  });
}

/** Takes the write lock, then applies the stamp rule (src/knowledge/embedding-stamp.ts). */
async function admitWriter(knowledge: PostgresKnowledge, client: Queryable, stamp: EmbeddingStamp): Promise<void> {
  const { connection } = knowledge;
  await writeLock(connection, client);
  const stored = await readStamp(connection, client);
  if (admitStamp(connection.display, stored, await isEmpty(connection, client), stamp)) {
    await writeStamp(connection, stamp, client);
  }
}

/** Inserts the category if new; stores a new vector, description and keyword row when a vector is given. */
async function ensureCategory(knowledge: PostgresKnowledge, client: Queryable, category: CategoryWrite) {
  const { connection, vectors } = knowledge;
  const s = connection.schema;
  const [existing] = await connection.query<{ id: number; termCount: number }>(
    `SELECT id, term_count AS "termCount" FROM ${s}.categories WHERE name = $1`,
    [category.name],
    client,
  );
  if (!existing && !category.vector) {
    throw new GemmaRagError(errorCodes.engineFailure, `Category "${category.name}" is new but has no vector.`);
  }
  if (!category.vector) return (existing as { id: number }).id;
  await vectors.upsertWith(client, [categoryVectorRecord(category.name, category.vector)]);
  const tokens = categoryKeywordTokens(category.name, category.description);
  if (existing) {
    await connection.query(
      `UPDATE ${s}.categories SET description = $1, terms = $2::tsvector, term_count = $3 WHERE id = $4`,
      [category.description, tsvectorLiteral(tokens), tokens.length, existing.id],
      client,
    );
    await adjustKeywordTotals(connection, client, 'categories', 0, tokens.length - existing.termCount);
    return existing.id;
  }
  const [row] = await connection.query<{ id: number }>(
    `INSERT INTO ${s}.categories (name, description, vector_id, terms, term_count) VALUES ($1, $2, $3, $4::tsvector, $5) RETURNING id`,
    [category.name, category.description, categoryVectorId(category.name), tsvectorLiteral(tokens), tokens.length],
    client,
  );
  await adjustKeywordTotals(connection, client, 'categories', 1, tokens.length);
  return (row as { id: number }).id;
}

async function deleteChunks(knowledge: PostgresKnowledge, client: Queryable, documentId: number): Promise<void> {
  await dropRows(
    knowledge,
    client,
    'chunks',
    `DELETE FROM ${knowledge.connection.schema}.chunks WHERE document_id = $1 RETURNING vector_id AS "vectorId", term_count AS "termCount"`,
    [documentId],
  );
}

/** A category with no documents would still win stage 1 and then find nothing. */
async function removeEmptyCategories(knowledge: PostgresKnowledge, client: Queryable): Promise<void> {
  const s = knowledge.connection.schema;
  await dropRows(
    knowledge,
    client,
    'categories',
    `DELETE FROM ${s}.categories c WHERE NOT EXISTS (SELECT 1 FROM ${s}.documents d WHERE d.category_id = c.id)
     RETURNING vector_id AS "vectorId", term_count AS "termCount"`,
    [],
  );
}

/** Runs a DELETE … RETURNING of keyword rows, then removes their vectors and their share of the BM25 totals. */
async function dropRows(
  knowledge: PostgresKnowledge,
  client: Queryable,
  namespace: KeywordNamespace,
  deleteSql: string,
  values: readonly unknown[],
): Promise<void> {
  const { connection, vectors } = knowledge;
  const removed = await connection.query<{ vectorId: string; termCount: number }>(deleteSql, values, client);
  await vectors.deleteWith(
    client,
    removed.map((row) => row.vectorId),
  );
  await adjustKeywordTotals(
    connection,
    client,
    namespace,
    -removed.length,
    -removed.reduce((sum, row) => sum + row.termCount, 0),
  );
}
