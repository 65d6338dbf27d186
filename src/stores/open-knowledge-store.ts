import { statSync } from 'node:fs';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { KnowledgeStore } from '../spec/knowledge-store.js';
import type { KnowledgeLocation } from './knowledge-location.js';

export interface OpenKnowledgeStoreOptions {
  /**
   * true: create the knowledge base if it does not exist (ingest). false: refuse a missing
   * one with INVALID_KNOWLEDGE_BASE (ask, kb, reindex, calibrate, serve). Default false.
   */
  create?: boolean;
  /** How long a write waits for another process's write lock (SQLite), and whom to tell. Default: 5 s, silently. */
  writeLockWait?: WriteLockWait | undefined;
}

/** Waiting for another process's write (a CLI ingest while serving): asynchronously, up to `maxWaitMs`. */
export interface WriteLockWait {
  maxWaitMs: number;
  /** Called once when a write first has to wait. */
  onWaiting?: (() => void) | undefined;
}

/**
 * Opens the store a location names: a file path is SQLite, a postgres:// URL is PostgreSQL.
 * Each store's module is imported only here and only when used, so a SQLite user never
 * loads the PostgreSQL driver (and the reverse). Used by the composition root (rag.ts) and
 * by the model-free `kb` command; nothing else opens stores.
 */
export async function openKnowledgeStore(
  location: KnowledgeLocation,
  options: OpenKnowledgeStoreOptions = {},
): Promise<KnowledgeStore> {
  const create = options.create ?? false;
  if (location.kind === 'postgres') {
    const { PostgresKnowledgeBase } = await import('./postgres/postgres-knowledge-base.js');
    return PostgresKnowledgeBase.open(location, { create });
  }
  if (!create && location.path !== ':memory:') requireSqliteFile(location.path);
  const { SqliteKnowledgeBase } = await import('./sqlite/sqlite-knowledge-base.js');
  return SqliteKnowledgeBase.open(location.path, { writeLockWait: options.writeLockWait });
}

/**
 * A SQLite knowledge base to read must be there, a file, and not empty: SQLite would happily
 * turn an empty file (or a new path) into a new database, which a command that only reads or
 * edits must not do. `named` is how the user wrote it, for the suggested command.
 */
export function requireSqliteFile(path: string, named = path): void {
  const stats = statSync(path, { throwIfNoEntry: false });
  const problem =
    stats === undefined
      ? 'there is nothing there'
      : !stats.isFile()
        ? 'it is a folder, not a file'
        : stats.size === 0
          ? 'it is an empty file'
          : undefined;
  if (problem) {
    throw new GemmaRagError(
      errorCodes.invalidKnowledgeBase,
      `No knowledge base at ${path}: ${problem}. Create one with: gemma-rag ingest <files or folders> --db ${named}`,
      { data: { path } },
    );
  }
}
