import type { CategorySummary, DocumentDetails, DocumentSummary } from '../../spec/knowledge-admin.js';
import type { ChunkPassage } from '../../spec/knowledge-store.js';
import type { StoredCategory, StoredChunk } from '../../spec/knowledge-writer.js';
import { decodeLocation, sourceIsUnder, withLocation } from '../knowledge-records.js';
import type { Database } from './open-database.js';

// Reading a SQLite knowledge base: documents, categories and chunks.

export function isEmpty(database: Database): boolean {
  return (database.prepare('SELECT count(*) AS total FROM documents').get() as { total: number }).total === 0;
}

export function findDocument(database: Database, source: string): { id: number; contentHash: string } | undefined {
  return database.prepare('SELECT id, content_hash AS contentHash FROM documents WHERE source = ?').get(source) as
    | { id: number; contentHash: string }
    | undefined;
}

export function findCategory(database: Database, name: string): StoredCategory | undefined {
  return database.prepare('SELECT id, name, description FROM categories WHERE name = ?').get(name) as
    | StoredCategory
    | undefined;
}

export function categories(database: Database): StoredCategory[] {
  return database.prepare('SELECT id, name, description FROM categories ORDER BY name').all() as StoredCategory[];
}

export function documentsUnder(database: Database, paths: readonly string[]): Array<{ id: number; source: string }> {
  const rows = database.prepare('SELECT id, source FROM documents ORDER BY id').all() as Array<{
    id: number;
    source: string;
  }>;
  return rows.filter(({ source }) => sourceIsUnder(source, paths));
}

export function listCategories(database: Database): CategorySummary[] {
  return database
    .prepare(
      `SELECT c.name AS name, count(DISTINCT d.id) AS documents,
         (SELECT count(*) FROM chunks k JOIN documents e ON e.id = k.document_id WHERE e.category_id = c.id) AS chunks,
         coalesce(sum(d.pages), 0) AS pages
       FROM categories c LEFT JOIN documents d ON d.category_id = c.id
       GROUP BY c.id ORDER BY c.name`,
    )
    .all() as CategorySummary[];
}

export function listDocuments(database: Database, category?: string): DocumentSummary[] {
  const rows = database
    .prepare(
      `SELECT d.id AS id, d.title AS title, c.name AS category, d.source AS source, count(k.id) AS chunks,
         d.pages AS pages, d.updated_at AS ingestedAt, d.tags AS tags
       FROM documents d JOIN categories c ON c.id = d.category_id LEFT JOIN chunks k ON k.document_id = d.id
       WHERE (? IS NULL OR c.name = ?) GROUP BY d.id ORDER BY c.name, d.title, d.id`,
    )
    .all(category ?? null, category ?? null) as Array<Omit<DocumentSummary, 'tags'> & { tags: string }>;
  return rows.map((row) => ({ ...row, tags: decodeTags(row.tags) }));
}

/** Tags as stored (a JSON array); a damaged value reads as none rather than failing a listing. */
function decodeTags(value: string): string[] {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((tag): tag is string => typeof tag === 'string') : [];
  } catch {
    return [];
  }
}

export function documentById(database: Database, id: number): DocumentDetails | undefined {
  const document = database
    .prepare(
      'SELECT d.id AS id, d.title AS title, c.name AS category, d.source AS source, d.tags AS tags FROM documents d JOIN categories c ON c.id = d.category_id WHERE d.id = ?',
    )
    .get(id) as (Omit<DocumentDetails, 'chunks' | 'tags'> & { tags: string }) | undefined;
  if (!document) return undefined;
  const rows = database
    .prepare('SELECT position, tokens, text, location FROM chunks WHERE document_id = ? ORDER BY position')
    .all(id) as Array<{ position: number; tokens: number; text: string; location: string | null }>;
  return { ...document, tags: decodeTags(document.tags), chunks: rows.map(withLocation) };
}

export function documentsByTitle(database: Database, title: string): DocumentDetails[] {
  const ids = database.prepare('SELECT id FROM documents WHERE title = ? ORDER BY id').all(title) as Array<{
    id: number;
  }>;
  return ids.flatMap(({ id }) => documentById(database, id) ?? []);
}

export function chunkPassages(database: Database, vectorIds: readonly string[]): Map<string, ChunkPassage> {
  const statement = database.prepare(
    'SELECT k.text AS text, d.source AS source, k.location AS location FROM chunks k JOIN documents d ON d.id = k.document_id WHERE k.vector_id = ?',
  );
  const passages = new Map<string, ChunkPassage>();
  for (const id of vectorIds) {
    const row = statement.get(id) as { text: string; source: string; location: string | null } | undefined;
    if (row) passages.set(id, { text: row.text, source: row.source, location: decodeLocation(row.location) });
  }
  return passages;
}

export function allChunks(database: Database): StoredChunk[] {
  return database
    .prepare(
      `SELECT k.vector_id AS vectorId, d.id AS documentId, d.title AS title, c.name AS category, k.position AS position, k.text AS text
       FROM chunks k JOIN documents d ON d.id = k.document_id JOIN categories c ON c.id = d.category_id ORDER BY d.id, k.position`,
    )
    .all() as StoredChunk[];
}
