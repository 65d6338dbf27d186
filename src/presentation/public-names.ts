import { basename, isAbsolute } from 'node:path';

/**
 * How a document's source is shown to HTTP clients: never the server's absolute path. A file
 * path is cut to start at the folder that names its category (the first-level folder ingest
 * took the category from: `/home/ana/kb/HR/leave.md` in HR → `HR/leave.md`), else to its file
 * name; what follows `#` (a record inside a JSON file) is kept. `api:` and `upload:` sources
 * are names already. The same function serves listings and citations, so the web UI can match
 * them.
 */
export function publicSource(source: string, category: string): string {
  const hash = source.indexOf('#');
  const path = hash === -1 ? source : source.slice(0, hash);
  const rest = hash === -1 ? '' : source.slice(hash);
  if (!isAbsolute(path)) return source;
  const segments = path.split(/[\\/]/);
  const folders = segments.slice(0, -1);
  const from = folders.lastIndexOf(category);
  return `${from <= 0 ? basename(path) : segments.slice(from).join('/')}${rest}`;
}

/** A model as HTTP clients see it: its name, not where its file lives on the server. */
export function publicModelName(modelId: string): string {
  return isAbsolute(modelId) ? basename(modelId) : modelId;
}
