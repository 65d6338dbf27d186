import { type EmbeddingStamp, parseStoredStamp } from '../../knowledge/embedding-stamp.js';
import type { PostgresConnection, Queryable } from './postgres-connection.js';

// Settings are the `meta` table's key/value rows; the embedding stamp is one of them.

export const stampKey = 'embedding-stamp';

export async function readSetting(
  connection: PostgresConnection,
  key: string,
  client?: Queryable,
): Promise<string | undefined> {
  const [row] = await connection.query<{ value: string }>(
    `SELECT value FROM ${connection.schema}.meta WHERE key = $1`,
    [key],
    client,
  );
  return row?.value;
}

export async function writeSetting(
  connection: PostgresConnection,
  key: string,
  value: string,
  client?: Queryable,
): Promise<void> {
  await connection.query(
    `INSERT INTO ${connection.schema}.meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [key, value],
    client,
  );
}

export async function deleteSetting(connection: PostgresConnection, key: string, client?: Queryable): Promise<void> {
  await connection.query(`DELETE FROM ${connection.schema}.meta WHERE key = $1`, [key], client);
}

export async function readStamp(
  connection: PostgresConnection,
  client?: Queryable,
): Promise<EmbeddingStamp | undefined> {
  const json = await readSetting(connection, stampKey, client);
  return json === undefined ? undefined : parseStoredStamp(json, connection.display);
}

export async function writeStamp(connection: PostgresConnection, stamp: EmbeddingStamp, client?: Queryable) {
  await writeSetting(connection, stampKey, JSON.stringify(stamp), client);
}
