import type { MetadataWhere } from '../spec/vector-store.js';

/** Whether metadata passes a `where` clause: for every field named, one of its values. */
export function matchesWhere<Metadata>(metadata: Metadata, where: MetadataWhere<Metadata> | undefined): boolean {
  if (!where) return true;
  for (const field in where) {
    const allowed = where[field];
    if (allowed && !allowed.includes(metadata[field])) return false;
  }
  return true;
}

/** `where` and `filter` as one predicate, or undefined when neither is given. */
export function metadataPredicate<Metadata>(options: {
  where?: MetadataWhere<Metadata> | undefined;
  filter?: ((metadata: Metadata) => boolean) | undefined;
}): ((metadata: Metadata) => boolean) | undefined {
  const { where, filter } = options;
  if (!where) return filter;
  return (metadata) => matchesWhere(metadata, where) && (filter?.(metadata) ?? true);
}
