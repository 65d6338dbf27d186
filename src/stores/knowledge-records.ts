import {
  type CategoryItem,
  type ChunkItem,
  categoryNamespace,
  chunkNamespace,
  type IndexedItem,
} from '../spec/knowledge-store.js';
import type { StoredChunk } from '../spec/knowledge-writer.js';
import type { SourceLocation } from '../spec/source-location.js';
import type { VectorRecord } from '../spec/vector-store.js';
import { keywordTokens } from '../text/keyword-terms.js';

// How a knowledge base's records look, whichever store keeps them: the ids, the metadata
// stored with each vector, and the keyword tokens indexed for chunks and categories.

export const chunkVectorId = (documentId: number, position: number) => `chunk:${documentId}:${position}`;
export const categoryVectorId = (name: string) => `category:${name}`;

export function categoryVectorRecord(name: string, vector: Float32Array): VectorRecord<IndexedItem> {
  return {
    id: categoryVectorId(name),
    namespace: categoryNamespace,
    vector,
    metadata: { kind: 'category', category: name } satisfies CategoryItem,
  };
}

export function chunkVectorRecord(
  chunk: Omit<StoredChunk, 'text' | 'vectorId'>,
  vector: Float32Array,
): VectorRecord<IndexedItem> {
  return {
    id: chunkVectorId(chunk.documentId, chunk.position),
    namespace: chunkNamespace,
    vector,
    metadata: {
      kind: 'chunk',
      category: chunk.category,
      documentId: chunk.documentId,
      title: chunk.title,
      position: chunk.position,
    } satisfies ChunkItem,
  };
}

/** What keyword search indexes for a chunk: its document's title and its text. */
export const chunkKeywordTokens = (title: string, text: string) => keywordTokens(`${title}\n${text}`);

/** What keyword search indexes for a category (stage 1): its name and description. */
export const categoryKeywordTokens = (name: string, description: string) => keywordTokens(`${name}\n${description}`);

/** Whether a document's source is one of `paths` or lies under one of them (a record `file#n` counts as its file). */
export function sourceIsUnder(source: string, paths: readonly string[]): boolean {
  const file = source.split('#')[0] ?? source;
  return paths.some((path) => file === path || file.startsWith(path.endsWith('/') ? path : `${path}/`));
}

/** A location as stored (both stores keep the same text): JSON, or null when the format has no places. */
export function encodeLocation(location: SourceLocation | undefined): string | null {
  return location && Object.keys(location).length > 0 ? JSON.stringify(location) : null;
}

/** Rows written before locations were recorded, and damaged values, read as no location. */
export function decodeLocation(value: string | null): SourceLocation | undefined {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? (parsed as SourceLocation) : undefined;
  } catch {
    return undefined;
  }
}

/** A chunk row as a document shows it: the location only when there is one. */
export function withLocation<Chunk extends object>(
  chunk: Chunk & { location: string | null },
): Omit<Chunk, 'location'> & { location?: SourceLocation } {
  const { location, ...rest } = chunk;
  const decoded = decodeLocation(location);
  return decoded ? { ...rest, location: decoded } : rest;
}
