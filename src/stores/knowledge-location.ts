import { resolve } from 'node:path';
import { errorCodes, GemmaRagError } from '../spec/errors.js';

/** Where a knowledge base lives: a SQLite file, or a schema in a PostgreSQL database. */
export type KnowledgeLocation =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'postgres';
      /** The connection string for the driver (password included, `schema` removed): never print it. */
      connectionString: string;
      /** The schema holding the knowledge base's tables (`?schema=`, default gemma_rag). */
      schema: string;
      /** The URL with its password masked: what messages, errors and logs show. */
      display: string;
      /** The secrets the driver may echo in an error, to scrub from every message. */
      secrets: readonly string[];
    };

export const defaultPostgresSchema = 'gemma_rag';
const postgresScheme = /^postgres(ql)?:\/\//i;
const anyScheme = /^[a-z][a-z0-9+.-]*:\/\//i;
const schemaName = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** Query parameters whose values are secrets (libpq's sslpassword; a password given as a parameter). */
const secretParameters = ['password', 'sslpassword'];

/**
 * Reads a `--db` value (or GEMMA_RAG_DB): `postgres://…` / `postgresql://…` is a PostgreSQL
 * database, any other `scheme://` is refused (it used to become a folder named `scheme:`),
 * and everything else is a SQLite file path, resolved against the working directory.
 */
export function parseKnowledgeLocation(text: string): KnowledgeLocation {
  if (text === ':memory:') return { kind: 'sqlite', path: text };
  if (postgresScheme.test(text)) return parsePostgresUrl(text);
  if (anyScheme.test(text)) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `Unsupported knowledge base location ${maskPassword(text)}: use a file path (SQLite) or postgres://user@host/database.`,
      { data: { location: maskPassword(text) } },
    );
  }
  if (text.trim() === '') throw new GemmaRagError(errorCodes.invalidArgument, 'The knowledge base location is empty.');
  return { kind: 'sqlite', path: resolve(text) };
}

/** How a location is shown to people. */
export function displayLocation(location: KnowledgeLocation): string {
  return location.kind === 'sqlite' ? location.path : location.display;
}

function parsePostgresUrl(text: string): KnowledgeLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `${maskPassword(text)} is not a valid PostgreSQL URL; expected postgres://user[:password]@host[:port]/database[?schema=name&sslmode=…].`,
      { data: { location: maskPassword(text) }, cause: error },
    );
  }
  const schema = url.searchParams.get('schema') ?? defaultPostgresSchema;
  if (!schemaName.test(schema)) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `schema=${schema} is not a plain PostgreSQL name (letters, digits and _, not starting with a digit, at most 63).`,
      { data: { schema } },
    );
  }
  const secrets = [url.password, ...secretParameters.map((name) => url.searchParams.get(name) ?? '')]
    .filter((secret) => secret !== '')
    .flatMap((secret) => [secret, safeDecode(secret)]);
  const forDriver = new URL(url.href);
  forDriver.searchParams.delete('schema');
  return {
    kind: 'postgres',
    connectionString: forDriver.href,
    schema,
    display: maskPassword(url.href),
    secrets: [...new Set(secrets)],
  };
}

/** The URL with its password (and secret parameters) replaced by ***; unparseable text is masked by pattern. */
export function maskPassword(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    for (const name of secretParameters) if (url.searchParams.has(name)) url.searchParams.set(name, '***');
    return url.href.replaceAll('%2A%2A%2A', '***');
  } catch {
    return text.replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1***@').replace(/((?:ssl)?password=)[^&]*/gi, '$1***');
  }
}

/** Removes secrets from a message that may quote them (a driver error, a stack). */
export function scrubSecrets(message: string, secrets: readonly string[]): string {
  let scrubbed = message;
  for (const secret of secrets) if (secret.length > 0) scrubbed = scrubbed.replaceAll(secret, '***');
  return scrubbed;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
