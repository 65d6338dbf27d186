import { createHash } from 'node:crypto';
import type { MetadataWhere } from '../../spec/vector-store.js';

// The SQL text the PostgreSQL vector store sends. Vector searches go as one simple-protocol
// script (so that SET LOCAL can tune the HNSW scan inside it), which takes no parameters:
// every value below becomes a literal here, numbers checked and strings escaped.

export type IndexedType = 'vector' | 'halfvec';

/** pgvector's text form; 9 significant digits round-trip any float32 exactly. */
export function vectorLiteral(vector: Float32Array): string {
  let text = '[';
  for (let index = 0; index < vector.length; index++) {
    if (index > 0) text += ',';
    text += (vector[index] as number).toPrecision(9);
  }
  return `${text}]`;
}

/** The expression an HNSW index is built on (and that a search must repeat to use it). */
export function indexedExpression(dimensions: number, type: IndexedType): string {
  return `(embedding::${type}(${checkedDimensions(dimensions)}))`;
}

/** Stable, short and SQL-safe: the namespace itself when it is a plain word, else a hash. */
export function hnswIndexName(namespace: string, dimensions: number, type: IndexedType): string {
  return `vectors_hnsw_${namespaceSlug(namespace)}_${checkedDimensions(dimensions)}_${type}`;
}

export function hnswIndexPrefix(namespace: string): string {
  return `vectors_hnsw_${namespaceSlug(namespace)}_`;
}

function namespaceSlug(namespace: string): string {
  return /^[a-z]{1,20}$/.test(namespace)
    ? namespace
    : createHash('sha256').update(namespace).digest('hex').slice(0, 12);
}

/** `metadata->>'field' = ANY(…)` per field, or undefined when a field allows nothing. */
export function whereSql<Metadata>(
  where: MetadataWhere<Metadata> | undefined,
  literal: (value: string) => string,
): string | undefined {
  if (!where) return '';
  let sql = '';
  for (const field in where) {
    const values = where[field];
    if (!values) continue;
    if (values.length === 0) return undefined;
    sql += ` AND metadata->>${literal(field)} = ANY(ARRAY[${values.map((value) => literal(String(value))).join(', ')}]::text[])`;
  }
  return sql;
}

export function checkedDimensions(dimensions: number): number {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16_000) {
    throw new RangeError(`Vector size ${dimensions} is not one pgvector can store.`);
  }
  return dimensions;
}
