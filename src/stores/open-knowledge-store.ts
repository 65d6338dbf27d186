import { type Stats, statSync } from 'node:fs';
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
  if (location.path !== ':memory:') {
    if (create) refuseSpecialFile(location.path);
    else requireSqliteFile(location.path);
  }
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
        ? `${kindOfFile(stats)}, not a file`
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

/** What a path that is not a regular file is, in words. */
function kindOfFile(stats: Stats): string {
  if (stats.isDirectory()) return 'it is a folder';
  if (stats.isFIFO()) return 'it is a named pipe (FIFO)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'it is a device';
  if (stats.isSocket()) return 'it is a socket';
  return 'it is not a regular file';
}

/**
 * A knowledge base to create or add to is a regular file or a new path: SQLite would try to
 * write a journal beside a device (`--db /dev/null` made `/dev/null-journal` as root) or
 * block on a named pipe.
 */
export function refuseSpecialFile(path: string): void {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined || stats.isFile()) return;
  throw new GemmaRagError(
    errorCodes.invalidKnowledgeBase,
    `Cannot use ${path} as a knowledge base: ${kindOfFile(stats)}, not a file. Give the path of a database file (new or existing).`,
    { data: { path } },
  );
}
