import { basename, extname } from 'node:path';
import { defaultPostgresSchema, type KnowledgeLocation } from '../app/options.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';

/** A served knowledge base's name: safe in a URL path segment and a file name, as written. */
export const knowledgeBaseNamePattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const knowledgeBaseNameRule = 'lowercase letters, digits, _ and -, starting with a letter or digit, at most 64';

export function isKnowledgeBaseName(name: string): boolean {
  return knowledgeBaseNamePattern.test(name);
}

/**
 * The name a knowledge base gets when none is given: a SQLite file's name without its
 * extension, a PostgreSQL schema's name (the database's when the schema is the default one),
 * folded into the name rule (`Team Handbook.db` → `team-handbook`). Null when nothing is left.
 */
export function defaultKnowledgeBaseName(location: KnowledgeLocation | { kind: 'json'; path: string }): string | null {
  const raw =
    location.kind === 'postgres'
      ? location.schema !== defaultPostgresSchema
        ? location.schema
        : postgresDatabase(location.display) || location.schema
      : basename(location.path, extname(location.path));
  const folded = raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return isKnowledgeBaseName(folded) ? folded : null;
}

function postgresDatabase(display: string): string {
  try {
    return decodeURIComponent(new URL(display).pathname.slice(1));
  } catch {
    return '';
  }
}

/** Every name valid and none twice; what each one was is told by `describe` (a location, a config entry). */
export function checkKnowledgeBaseNames<Entry extends { name: string }>(
  entries: readonly Entry[],
  describe: (entry: Entry) => string = (entry) => `"${entry.name}"`,
): void {
  const seen = new Map<string, Entry>();
  for (const entry of entries) {
    if (!isKnowledgeBaseName(entry.name)) {
      throw new GemmaRagError(
        errorCodes.invalidArgument,
        `Knowledge base name "${entry.name}" (${describe(entry)}) is not allowed: ${knowledgeBaseNameRule}.`,
        { data: { name: entry.name } },
      );
    }
    const earlier = seen.get(entry.name);
    if (earlier) {
      throw new GemmaRagError(
        errorCodes.invalidArgument,
        `Two knowledge bases are named "${entry.name}": ${describe(earlier)} and ${describe(entry)}. Give them different names (in a --config file).`,
        { data: { name: entry.name } },
      );
    }
    seen.set(entry.name, entry);
  }
}
