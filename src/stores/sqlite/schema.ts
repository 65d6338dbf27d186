import type BetterSqlite3 from 'better-sqlite3';
import { keywordTerms } from '../../text/keyword-terms.js';

/**
 * Schema migrations, applied in order, each in a transaction; `PRAGMA user_version`
 * records how many ran. Never edit a released migration: append a new one.
 */
export const migrations: ReadonlyArray<string | ((database: BetterSqlite3.Database) => void)> = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  -- Every vector, whatever it belongs to; ids are global.
  CREATE TABLE vectors (
    id TEXT PRIMARY KEY,
    namespace TEXT NOT NULL,
    dimensions INTEGER NOT NULL,
    vector BLOB NOT NULL,
    metadata TEXT NOT NULL
  );
  CREATE INDEX vectors_by_namespace ON vectors(namespace);

  CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    vector_id TEXT NOT NULL UNIQUE
  );

  CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    source TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX documents_by_category ON documents(category_id);

  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    vector_id TEXT NOT NULL UNIQUE,
    UNIQUE (document_id, position)
  );
  `,
  // Keyword search. Terms are produced in JS (CJK-aware, see text/keyword-terms.ts) and
  // stored space-separated, so FTS5's own tokenizer only has to split on spaces; FTS5
  // supplies the inverted index and BM25 ranking. rowid = chunks.id / categories.id.
  (database) => {
    database.exec(`
      CREATE VIRTUAL TABLE chunk_terms USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0');
      CREATE VIRTUAL TABLE category_terms USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0');
    `);
    const chunks = database
      .prepare(
        'SELECT k.id AS id, d.title AS title, k.text AS text FROM chunks k JOIN documents d ON d.id = k.document_id',
      )
      .all() as Array<{ id: number; title: string; text: string }>;
    const insertChunk = database.prepare('INSERT INTO chunk_terms (rowid, terms) VALUES (?, ?)');
    for (const chunk of chunks) insertChunk.run(chunk.id, keywordTerms(`${chunk.title}\n${chunk.text}`).join(' '));
    const categories = database.prepare('SELECT id, name, description FROM categories').all() as Array<{
      id: number;
      name: string;
      description: string;
    }>;
    const insertCategory = database.prepare('INSERT INTO category_terms (rowid, terms) VALUES (?, ?)');
    for (const category of categories)
      insertCategory.run(category.id, keywordTerms(`${category.name}\n${category.description}`).join(' '));
  },
  // Persisted HNSW graphs (see graph-namespace.ts). A namespace with a row in
  // vector_graphs has a graph file on disk built up to applied_seq; triggers log every
  // later change to its vectors, so a reader replays the few rows that moved instead of
  // rebuilding a graph that took minutes. Namespaces without a graph log nothing.
  `
  CREATE TABLE vector_graphs (
    namespace TEXT PRIMARY KEY,
    file TEXT,
    fingerprint TEXT,
    applied_seq INTEGER NOT NULL,
    candidates INTEGER,
    tuned_recall REAL,
    config TEXT NOT NULL
  );
  CREATE TABLE vector_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    namespace TEXT NOT NULL,
    row INTEGER NOT NULL
  );
  CREATE INDEX vector_changes_by_namespace ON vector_changes(namespace, seq);
  CREATE TRIGGER vectors_inserted AFTER INSERT ON vectors
    WHEN EXISTS (SELECT 1 FROM vector_graphs WHERE namespace = new.namespace)
    BEGIN INSERT INTO vector_changes (namespace, row) VALUES (new.namespace, new.rowid); END;
  CREATE TRIGGER vectors_updated_from AFTER UPDATE ON vectors
    WHEN EXISTS (SELECT 1 FROM vector_graphs WHERE namespace = old.namespace)
    BEGIN INSERT INTO vector_changes (namespace, row) VALUES (old.namespace, old.rowid); END;
  CREATE TRIGGER vectors_updated_to AFTER UPDATE ON vectors
    WHEN new.namespace <> old.namespace AND EXISTS (SELECT 1 FROM vector_graphs WHERE namespace = new.namespace)
    BEGIN INSERT INTO vector_changes (namespace, row) VALUES (new.namespace, new.rowid); END;
  CREATE TRIGGER vectors_deleted AFTER DELETE ON vectors
    WHEN EXISTS (SELECT 1 FROM vector_graphs WHERE namespace = old.namespace)
    BEGIN INSERT INTO vector_changes (namespace, row) VALUES (old.namespace, old.rowid); END;
  `,
  // Citations to the place: each chunk's location in its file (JSON: pages, headings, sheet
  // and rows, slides) and each document's page count. Both stay NULL for rows written before
  // this migration; ingest fills them in when it next writes the document.
  `
  ALTER TABLE chunks ADD COLUMN location TEXT;
  ALTER TABLE documents ADD COLUMN pages INTEGER;
  `,
  // Filters by tag: a document's tags as a JSON array of normalized strings (knowledge/tags.ts);
  // documents written before this migration have none until they are ingested again.
  `
  ALTER TABLE documents ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
  `,
];
