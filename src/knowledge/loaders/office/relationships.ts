import { posix } from 'node:path';
import { readXml } from './xml-events.js';

export interface Relationship {
  type: string;
  /** The target part's name inside the archive, resolved against the source part. */
  target: string;
}

/**
 * An OOXML part's relationships (`dir/_rels/name.xml.rels`) by id. Relationship types are
 * URIs; `type` keeps only their last segment (`slide`, `notesSlide`). External targets
 * (hyperlinks) are left out.
 */
export function relationshipsOf(entries: ReadonlyMap<string, Uint8Array>, part: string): Map<string, Relationship> {
  const relationships = new Map<string, Relationship>();
  const bytes = entries.get(posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`));
  if (!bytes) return relationships;
  readXml(bytes, {
    open: (name, attributes) => {
      if (name !== 'Relationship' || attributes.TargetMode === 'External') return;
      const { Id: id, Type: type, Target: target } = attributes;
      if (!id || !type || !target) return;
      const resolved = target.startsWith('/') ? target.slice(1) : posix.join(posix.dirname(part), target);
      relationships.set(id, { type: type.split('/').at(-1) ?? type, target: posix.normalize(resolved) });
    },
  });
  return relationships;
}
