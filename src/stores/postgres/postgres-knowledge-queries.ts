import type { CategorySummary, DocumentDetails, DocumentSummary } from '../../spec/knowledge-admin.js';
import type { ChunkPassage } from '../../spec/knowledge-store.js';
import type { StoredCategory, StoredChunk } from '../../spec/knowledge-writer.js';
import { decodeLocation, sourceIsUnder, withLocation } from '../knowledge-records.js';
import type { PostgresConnection, Queryable } from './postgres-connection.js';

// Reading a PostgreSQL knowledge base. Text is ordered COLLATE "C" (byte order), as SQLite
// orders it, so both stores list things alike whatever the database's locale.

export async function isEmpty(connection: PostgresConnection, client?: Queryable): Promise<boolean> {
  const rows = await connection.query(`SELECT 1 FROM ${connection.schema}.documents LIMIT 1`, [], client);
  return rows.length === 0;
}

export async function findDocument(
  connection: PostgresConnection,
  source: string,
  client?: Queryable,
): Promise<{ id: number; contentHash: string } | undefined> {
  const [row] = await connection.query<{ id: number; contentHash: string }>(
    `SELECT id, content_hash AS "contentHash" FROM ${connection.schema}.documents WHERE source = $1`,
    [source],
    client,
  );
  return row;
}

export async function findCategory(
  connection: PostgresConnection,
  name: string,
  client?: Queryable,
): Promise<StoredCategory | undefined> {
  const [row] = await connection.query<StoredCategory>(
    `SELECT id, name, description FROM ${connection.schema}.categories WHERE name = $1`,
    [name],
    client,
  );
  return row;
}

export function categories(connection: PostgresConnection): Promise<StoredCategory[]> {
  return connection.query<StoredCategory>(
    `SELECT id, name, description FROM ${connection.schema}.categories ORDER BY name COLLATE "C"`,
  );
}

export async function documentsUnder(
  connection: PostgresConnection,
  paths: readonly string[],
): Promise<Array<{ id: number; source: string }>> {
  const rows = await connection.query<{ id: number; source: string }>(
    `SELECT id, source FROM ${connection.schema}.documents ORDER BY id`,
  );
  return rows.filter(({ source }) => sourceIsUnder(source, paths));
}

export function listCategories(connection: PostgresConnection): Promise<CategorySummary[]> {
  const s = connection.schema;
  return connection.query<CategorySummary>(
    `SELECT c.name AS name, count(DISTINCT d.id)::int AS documents,
       (SELECT count(*) FROM ${s}.chunks k JOIN ${s}.documents e ON e.id = k.document_id WHERE e.category_id = c.id)::int AS chunks,
       coalesce(sum(d.pages), 0)::int AS pages
     FROM ${s}.categories c LEFT JOIN ${s}.documents d ON d.category_id = c.id
     GROUP BY c.id ORDER BY c.name COLLATE "C"`,
  );
}

export function listDocuments(connection: PostgresConnection, category?: string): Promise<DocumentSummary[]> {
  const s = connection.schema;
  return connection.query<DocumentSummary>(
    `SELECT d.id AS id, d.title AS title, c.name AS category, d.source AS source, count(k.id)::int AS chunks,
       d.pages AS pages, to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "ingestedAt",
       d.tags AS tags
     FROM ${s}.documents d JOIN ${s}.categories c ON c.id = d.category_id LEFT JOIN ${s}.chunks k ON k.document_id = d.id
     WHERE ($1::text IS NULL OR c.name = $1) GROUP BY d.id, c.name
     ORDER BY c.name COLLATE "C", d.title COLLATE "C", d.id`,
    [category ?? null],
  );
}

export async function documentById(connection: PostgresConnection, id: number): Promise<DocumentDetails | undefined> {
  const s = connection.schema;
  const [document] = await connection.query<Omit<DocumentDetails, 'chunks'>>(
    `SELECT d.id AS id, d.title AS title, c.name AS category, d.source AS source, d.tags AS tags
     FROM ${s}.documents d JOIN ${s}.categories c ON c.id = d.category_id WHERE d.id = $1`,
    [id],
  );
  if (!document) return undefined;
  const rows = await connection.query<{ position: number; tokens: number; text: string; location: string | null }>(
    `SELECT position, tokens, text, location FROM ${s}.chunks WHERE document_id = $1 ORDER BY position`,
    [id],
  );
  return { ...document, chunks: rows.map(withLocation) };
}

export async function documentsByTitle(connection: PostgresConnection, title: string): Promise<DocumentDetails[]> {
  const ids = await connection.query<{ id: number }>(
    `SELECT id FROM ${connection.schema}.documents WHERE title = $1 ORDER BY id`,
    [title],
  );
  const documents: DocumentDetails[] = [];
  for (const { id } of ids) {
    const document = await documentById(connection, id);
    if (document) documents.push(document);
  }
  return documents;
}

export async function chunkPassages(
  connection: PostgresConnection,
  vectorIds: readonly string[],
): Promise<Map<string, ChunkPassage>> {
  const s = connection.schema;
  const rows = await connection.query<{ id: string; text: string; source: string; location: string | null }>(
    `SELECT k.vector_id AS id, k.text, d.source, k.location FROM ${s}.chunks k JOIN ${s}.documents d ON d.id = k.document_id
     WHERE k.vector_id = ANY($1::text[])`,
    [[...vectorIds]],
  );
  return new Map(
    rows.map((row) => [row.id, { text: row.text, source: row.source, location: decodeLocation(row.location) }]),
  );
}

export function allChunks(connection: PostgresConnection): Promise<StoredChunk[]> {
  const s = connection.schema;
  return connection.query<StoredChunk>(
    `SELECT k.vector_id AS "vectorId", d.id AS "documentId", d.title AS title, c.name AS category, k.position AS position, k.text AS text
     FROM ${s}.chunks k JOIN ${s}.documents d ON d.id = k.document_id JOIN ${s}.categories c ON c.id = d.category_id
     ORDER BY d.id, k.position`,
  );
}
