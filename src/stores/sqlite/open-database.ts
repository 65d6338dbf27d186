import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { blockingBusyTimeoutMs } from './busy-wait.js';
import { migrations } from './schema.js';

export type Database = BetterSqlite3.Database;

/**
 * Opens (creating if needed) a gemma-rag SQLite file, or `:memory:`. WAL keeps readers
 * unblocked during ingest and makes every committed transaction survive a crash;
 * `synchronous = NORMAL` is the documented safe pairing with WAL.
 */
export async function openDatabase(path: string): Promise<Database> {
  const { default: Sqlite } = await import('better-sqlite3');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let database: Database | undefined;
  try {
    database = new Sqlite(path);
    // First: switching to WAL needs a lock another process (a reader while ingest starts)
    // may hold for a moment; without a timeout that is an immediate SQLITE_BUSY.
    database.pragma(`busy_timeout = ${blockingBusyTimeoutMs}`);
    // Before anything is written (WAL mode is kept in the file header); re-checked under the
    // write lock, since another process may be creating this very database right now.
    const opened = database;
    const unversioned = () => opened.pragma('user_version', { simple: true }) === 0;
    if (unversioned()) {
      opened
        .transaction(() => {
          if (unversioned()) refuseForeignDatabase(opened);
        })
        .immediate();
    }
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    // Read pages through a memory map: a graph search re-scores its candidates from random
    // rows, and mmap saves a read() call per page (40 random rows at 100k: 0.63 → 0.41 ms).
    // SQLite clamps this to its compiled maximum.
    if (path !== ':memory:') database.pragma('mmap_size = 17179869184');
    migrate(database);
  } catch (error) {
    database?.close();
    throw new GemmaRagError(
      errorCodes.invalidKnowledgeBase,
      `Cannot open knowledge base ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { data: { path }, cause: error },
    );
  }
  return database;
}

/**
 * Applies pending migrations, all in one transaction. Another process may open or create the
 * same file at the same moment (a reader while `ingest` runs, two ingests of a new database),
 * so the transaction takes the write lock first (IMMEDIATE) and re-reads the version under
 * it: the other waits, then finds the schema complete. A new database appears whole or not at all.
 */
function migrate(database: Database): void {
  // Up to date (the usual case): no write lock taken, so opening never waits on another writer.
  if (database.pragma('user_version', { simple: true }) === migrations.length) return;
  database
    .transaction(() => {
      for (;;) {
        const version = database.pragma('user_version', { simple: true }) as number;
        if (version > migrations.length) {
          throw new Error(
            `it was written by a newer gemma-rag (schema ${version}; this version knows ${migrations.length})`,
          );
        }
        if (version === 0) refuseForeignDatabase(database);
        const migration = migrations[version];
        if (migration === undefined) return;
        if (typeof migration === 'string') database.exec(migration);
        else migration(database);
        database.pragma(`user_version = ${version + 1}`);
      }
    })
    .immediate();
}

/**
 * A database with tables but no gemma-rag schema version belongs to another program: adding
 * our tables to it would change someone else's file. Only an empty database becomes a new
 * knowledge base.
 */
function refuseForeignDatabase(database: Database): void {
  const tables = database
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 4")
    .pluck()
    .all() as string[];
  if (tables.length > 0) {
    throw new Error(
      `it is another program's SQLite database (tables ${tables.join(', ')}${tables.length > 3 ? ', …' : ''}), not a gemma-rag knowledge base; it was left unchanged`,
    );
  }
}

const statements = new WeakMap<Database, Map<string, BetterSqlite3.Statement>>();

/**
 * A prepared statement reused per connection: preparing costs tens of microseconds, which
 * is a sizeable share of a sub-millisecond graph search. Not for `.iterate()` loops that
 * could nest on the same SQL.
 */
export function cachedStatement(database: Database, sql: string): BetterSqlite3.Statement {
  let cache = statements.get(database);
  if (!cache) {
    cache = new Map();
    statements.set(database, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = database.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
