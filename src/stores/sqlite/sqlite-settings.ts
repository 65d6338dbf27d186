import { type EmbeddingStamp, parseStoredStamp } from '../../knowledge/embedding-stamp.js';
import type { Database } from './open-database.js';

// Settings are the `meta` table's key/value rows; the embedding stamp is one of them.

export const stampKey = 'embedding-stamp';

export function readSetting(database: Database, key: string): string | undefined {
  return (database.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

export function writeSetting(database: Database, key: string, value: string): void {
  database
    .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
    .run(key, value);
}

export function deleteSetting(database: Database, key: string): void {
  database.prepare('DELETE FROM meta WHERE key = ?').run(key);
}

export function readStamp(database: Database, location: string): EmbeddingStamp | undefined {
  const json = readSetting(database, stampKey);
  return json === undefined ? undefined : parseStoredStamp(json, location);
}

export function writeStamp(database: Database, stamp: EmbeddingStamp): void {
  writeSetting(database, stampKey, JSON.stringify(stamp));
}
