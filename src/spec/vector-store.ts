/** One stored vector with the facts needed to filter and display it. */
export interface VectorRecord<Metadata = Record<string, unknown>> {
  id: string;
  /** Namespace separates vector spaces that must never be searched together (e.g. categories vs documents). */
  namespace: string;
  vector: Float32Array;
  metadata: Metadata;
}

export interface VectorSearchOptions<Metadata = Record<string, unknown>> {
  namespace: string;
  vector: Float32Array;
  /** How many results at most. */
  topK: number;
  /**
   * Keep only records whose metadata has, for each field named, one of the values listed.
   * Unlike `filter`, a database can apply this inside its index (PostgreSQL does): prefer it.
   */
  where?: MetadataWhere<Metadata> | undefined;
  /** Keep only records for which this returns true (evaluated in JavaScript, after `where`). */
  filter?: ((metadata: Metadata) => boolean) | undefined;
}

export type MetadataWhere<Metadata> = { readonly [Field in keyof Metadata]?: readonly Metadata[Field][] };

export interface VectorSearchHit<Metadata = Record<string, unknown>> {
  id: string;
  /** Cosine similarity in [-1, 1]. */
  score: number;
  metadata: Metadata;
}

/**
 * Stores unit vectors and finds the nearest by cosine similarity. Implementations must
 * pass the shared contract suite in src/stores/vector-store.contract.ts.
 */
export interface VectorStore<Metadata = Record<string, unknown>> {
  /** Inserts or replaces records by id, atomically for the whole batch. */
  upsert(records: readonly VectorRecord<Metadata>[]): Promise<void>;
  /** Best first; ties broken by id so results are reproducible. */
  search(options: VectorSearchOptions<Metadata>): Promise<VectorSearchHit<Metadata>[]>;
  /** Deletes records by id; unknown ids are ignored. Returns how many were deleted. */
  delete(ids: readonly string[]): Promise<number>;
  count(namespace?: string): Promise<number>;
  close(): Promise<void>;
}
