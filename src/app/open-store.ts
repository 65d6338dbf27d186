import type { KnowledgeStore } from '../spec/knowledge-store.js';
import { type KnowledgeLocation, parseKnowledgeLocation } from '../stores/knowledge-location.js';
import { type OpenKnowledgeStoreOptions, openKnowledgeStore } from '../stores/open-knowledge-store.js';

/**
 * The one place a knowledge store is opened for the rest of the program: a file path is
 * SQLite, a postgres:// URL PostgreSQL. `create`: make it if missing (ingest); otherwise a
 * missing or empty one is refused (ask, kb, reindex, calibrate, serve). The store is
 * disposable: hold it with `await using`.
 */
export function openStore(
  location: string | KnowledgeLocation,
  options: OpenKnowledgeStoreOptions = {},
): Promise<KnowledgeStore> {
  return openKnowledgeStore(typeof location === 'string' ? parseKnowledgeLocation(location) : location, options);
}
