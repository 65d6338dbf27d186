import { basename, extname } from 'node:path';

/** The title of last resort for formats without one: the file name, minus its extension. */
export function fileTitle(path: string): string {
  const name = basename(path);
  return basename(name, extname(name)) || name;
}
