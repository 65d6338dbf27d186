import { setTimeout as sleep } from 'node:timers/promises';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import type { WriteLockWait } from '../open-knowledge-store.js';
import type { Database } from './open-database.js';

/** What `busy_timeout` is outside `whenNotBusy` (opening, migrations, graph upkeep). */
export const blockingBusyTimeoutMs = 5000;

export const defaultWriteLockWait: WriteLockWait = { maxWaitMs: 5000 };

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));
}

/**
 * Runs one write transaction without ever blocking the event loop on another process's write
 * lock. SQLite's own busy timeout waits inside the synchronous call, which froze a server for
 * seconds while a CLI `ingest` held the lock; here the attempt fails at once when the lock is
 * taken (busy_timeout 0 for its duration), and is retried after an asynchronous pause, with
 * growing gaps, until `maxWaitMs`: then DATABASE_BUSY (503, retryable). `onWaiting` is told
 * once, so a command can say what it is waiting for. The transaction is the whole attempt,
 * so a retry starts from nothing.
 */
export async function whenNotBusy<Result>(
  database: Database,
  location: string,
  wait: WriteLockWait,
  attempt: () => Result,
): Promise<Result> {
  const started = Date.now();
  let pause = 10;
  let told = false;
  for (;;) {
    database.pragma('busy_timeout = 0');
    try {
      return attempt();
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (Date.now() - started >= wait.maxWaitMs) {
        throw new GemmaRagError(
          errorCodes.databaseBusy,
          `The knowledge base ${location} is being written by another process (an ingest or reindex); try again shortly.`,
          { data: { location, waitedMs: Date.now() - started }, cause: error },
        );
      }
    } finally {
      database.pragma(`busy_timeout = ${blockingBusyTimeoutMs}`);
    }
    if (!told) {
      told = true;
      wait.onWaiting?.();
    }
    await sleep(pause);
    pause = Math.min(pause * 2, 250);
  }
}
