import { z } from 'zod';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { mediaType } from './read-body.js';

/** File systems limit one name to 255 bytes, whatever the characters: 86 "€" are 258. */
const maxNameBytes = 255;

/** The file's own name and the category it goes in; the body is the file itself. */
export const uploadQuery = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'name the file')
      .refine((name) => Buffer.byteLength(name, 'utf8') <= maxNameBytes, `at most ${maxNameBytes} bytes of UTF-8`)
      .refine(
        (name) => !name.includes('/') && !name.includes('\\') && !name.includes('\u0000') && !/^\.\.?$/.test(name),
        'a file name, not a path',
      ),
    category: z.string().trim().min(1).max(200).default('Uploads'),
  })
  .strict();

/** The types a web page may send anywhere without a CORS preflight. */
const preflightFreeTypes = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);

/**
 * An upload declares its type (`application/octet-stream` will do; the loader goes by the name):
 * a body without one, or with a type a page on another site could send without asking, is refused.
 */
export function requireDeclaredFileType(contentType: string | undefined): void {
  const type = mediaType(contentType);
  if (type !== undefined && !preflightFreeTypes.has(type)) return;
  throw new GemmaRagError(
    errorCodes.unsupportedMediaType,
    `Send the file with a Content-Type such as application/octet-stream${type ? `, not ${type}` : ''}.`,
    { data: { contentType: type ?? null } },
  );
}
