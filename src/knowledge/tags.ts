import { errorCodes, GemmaRagError } from '../spec/errors.js';

/**
 * Tags label documents so that questions can be limited to them (`--tag`, `tags` in the API).
 * One normalization for every place a tag comes from (front matter, JSON fields, `ingest
 * --tag`) and every place one is asked for, so that `HR`, ` hr ` and `ＨＲ` are the same tag.
 */
export const maxTagsPerDocument = 64;
export const maxTagLength = 100;

/** NFKC (full-width letters become ASCII), trimmed, lower-cased; empty, over-long and repeated tags dropped. */
export function normalizeTag(value: string): string | undefined {
  const tag = value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  return tag === '' || tag.length > maxTagLength ? undefined : tag;
}

/**
 * Tags from untrusted metadata: a list of strings (or numbers), or one comma-separated string
 * (`tags: hr, leave`). Anything else yields none; at most `maxTagsPerDocument`, in order.
 */
export function tagsFrom(value: unknown): string[] {
  const items = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(/[,，、]/)
      : typeof value === 'number'
        ? [value]
        : [];
  const tags = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string' && typeof item !== 'number') continue;
    const tag = normalizeTag(String(item));
    if (tag !== undefined) tags.add(tag);
    if (tags.size === maxTagsPerDocument) break;
  }
  return [...tags];
}

/** Tags given for a whole run (`ingest --tag`): each must be usable, or the run stops naming it. */
export function parseGivenTags(values: readonly string[], flag: string): string[] {
  const bad = values.find((tag) => normalizeTag(tag) === undefined);
  if (bad !== undefined) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `${flag} must be a non-empty label of at most ${maxTagLength} characters; got ${JSON.stringify(bad)}.`,
      { data: { flag, value: bad } },
    );
  }
  return tagsFrom(values);
}

/** A document's own tags with those given for the whole ingest, in that order, without repeats. */
export function mergeTags(own: readonly string[] | undefined, extra: readonly string[]): string[] {
  return tagsFrom([...(own ?? []), ...extra]);
}
