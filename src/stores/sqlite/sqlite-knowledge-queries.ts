import type { CategorySummary, DocumentDetails, DocumentSummary } from '../../spec/knowledge-admin.js';
import type { StoredCategory, StoredChunk } from '../../spec/knowledge-writer.js';
import { sourceIsUnder } from '../knowledge-records.js';
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
      `SELECT c.name AS name, count(DISTINCT d.id) AS documents, count(k.id) AS chunks
       FROM categories c LEFT JOIN documents d ON d.category_id = c.id LEFT JOIN chunks k ON k.document_id = d.id
       GROUP BY c.id ORDER BY c.name`,
    )
    .all() as CategorySummary[];
}

export function listDocuments(database: Database, category?: string): DocumentSummary[] {
  return database
    .prepare(
      `SELECT d.id AS id, d.title AS title, c.name AS category, d.source AS source, count(k.id) AS chunks
       FROM documents d JOIN categories c ON c.id = d.category_id LEFT JOIN chunks k ON k.document_id = d.id
       WHERE (? IS NULL OR c.name = ?) GROUP BY d.id ORDER BY c.name, d.title, d.id`,
    )
    .all(category ?? null, category ?? null) as DocumentSummary[];
}

export function documentById(database: Database, id: number): DocumentDetails | undefined {
  const document = database
    .prepare(
      'SELECT d.id AS id, d.title AS title, c.name AS category, d.source AS source FROM documents d JOIN categories c ON c.id = d.category_id WHERE d.id = ?',
    )
    .get(id) as Omit<DocumentDetails, 'chunks'> | undefined;
  if (!document) return undefined;
  const chunks = database
    .prepare('SELECT position, tokens, text FROM chunks WHERE document_id = ? ORDER BY position')
    .all(id) as DocumentDetails['chunks'];
  return { ...document, chunks };
}

export function documentsByTitle(database: Database, title: string): DocumentDetails[] {
  const ids = database.prepare('SELECT id FROM documents WHERE title = ? ORDER BY id').all(title) as Array<{
    id: number;
  }>;
  return ids.flatMap(({ id }) => documentById(database, id) ?? []);
}

export function chunkTexts(database: Database, vectorIds: readonly string[]): Map<string, string> {
  const statement = database.prepare('SELECT text FROM chunks WHERE vector_id = ?');
  const texts = new Map<string, string>();
  for (const id of vectorIds) {
    const row = statement.get(id) as { text: string } | undefined;
    if (row) texts.set(id, row.text);
  }
  return texts;
}

export function allChunks(database: Database): StoredChunk[] {
  return database
    .prepare(
      `SELECT k.vector_id AS vectorId, d.id AS documentId, d.title AS title, c.name AS category, k.position AS position, k.text AS text
       FROM chunks k JOIN documents d ON d.id = k.document_id JOIN categories c ON c.id = d.category_id ORDER BY d.id, k.position`,
    )
    .all() as StoredChunk[];
}
