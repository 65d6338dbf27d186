import type { PostgresConnection, Queryable } from './postgres-connection.js';

/**
 * Every write to a knowledge base takes this transaction-scoped advisory lock first, so
 * writes from several processes (two `serve`s, an `ingest` beside a `reindex`) happen one at
 * a time and each sees the stamp the previous one left. Readers never take it.
 */
export async function writeLock(connection: PostgresConnection, client: Queryable): Promise<void> {
  await connection.query(
    'SELECT pg_advisory_xact_lock(hashtext($1))',
    [`gemma-rag writes ${connection.schemaName}`],
    client,
  );
}
