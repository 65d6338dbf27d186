import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
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
  let database: Database;
  try {
    database = new Sqlite(path);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    migrate(database);
  } catch (error) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `Cannot open knowledge base ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { data: { path }, cause: error },
    );
  }
  return database;
}

function migrate(database: Database): void {
  const version = database.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new Error(`it was written by a newer gemma-rag (schema ${version}; this version knows ${migrations.length})`);
  }
  for (let index = version; index < migrations.length; index++) {
    const migration = migrations[index];
    database.transaction(() => {
      if (typeof migration === 'string') database.exec(migration);
      else migration?.(database);
      database.pragma(`user_version = ${index + 1}`);
    })();
  }
}
