import {
  type CountTokensOptions,
  type EmbeddingModel,
  EmbeddingModelStandIn,
  type EmbedOptions,
  type EmbedResult,
} from '../spec/embedding-model.js';

/**
 * Remembers the engine's raw vector for each finished input string, so work that embeds the
 * same text again — evaluation at several Matryoshka sizes (truncating one 768-d vector gives
 * the same vectors), a refusal pass over the same questions, one question asked through
 * several routes — asks the engine once. Raw vectors are cached, before normalization and
 * truncation, so one cache serves an Embedder of any size.
 */
export class CachingEmbeddingModel extends EmbeddingModelStandIn {
  private readonly vectors = new Map<string, Float32Array>();
  private readonly maxEntries: number;
  /** Inputs the engine embedded, and inputs answered from the cache. */
  readonly stats = { embedded: 0, reused: 0 };

  constructor(
    private readonly inner: EmbeddingModel,
    /** Oldest entries are dropped beyond this many (768-d: ~3 KB each). Default 200,000. */
    options: { maxEntries?: number } = {},
  ) {
    super(inner);
    this.maxEntries = options.maxEntries ?? 200_000;
  }

  countTokens(input: CountTokensOptions): Promise<number[]> {
    return this.inner.countTokens(input);
  }

  async embed({ values, abortSignal }: EmbedOptions): Promise<EmbedResult> {
    const missing = [...new Set(values.filter((value) => !this.vectors.has(value)))];
    const fresh = new Map<string, Float32Array>();
    if (missing.length > 0) {
      const { embeddings } = await this.inner.embed({ values: missing, abortSignal });
      // A wrong count is the engine's failure: pass it through for the Embedder to report.
      if (embeddings.length !== missing.length) return { embeddings };
      for (const [index, value] of missing.entries()) {
        const vector = embeddings[index] as Float32Array;
        fresh.set(value, vector);
        this.remember(value, vector);
      }
      this.stats.embedded += missing.length;
    }
    this.stats.reused += values.length - missing.length;
    // Copies: callers may normalize or truncate in place. `fresh` first: a small cache may
    // already have dropped part of this very batch.
    return {
      embeddings: values.map((value) => Float32Array.from(fresh.get(value) ?? this.vectors.get(value) ?? [])),
    };
  }

  /** Every cached input with its raw vector, oldest first (e.g. to keep them across runs). */
  entries(): IterableIterator<[string, Float32Array]> {
    return this.vectors.entries();
  }

  /** Adds vectors computed earlier by the same model (same fingerprint); they are trusted as given. */
  preload(entries: Iterable<readonly [string, Float32Array]>): void {
    for (const [value, vector] of entries) {
      if (vector.length === this.dimensions) this.remember(value, vector);
    }
  }

  private remember(value: string, vector: Float32Array): void {
    if (this.vectors.size >= this.maxEntries) {
      const oldest = this.vectors.keys().next();
      if (!oldest.done) this.vectors.delete(oldest.value);
    }
    this.vectors.set(value, Float32Array.from(vector));
  }

  dispose(): Promise<void> {
    this.vectors.clear();
    return this.inner.dispose();
  }
}
