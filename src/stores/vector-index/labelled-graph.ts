import { HnswGraph, type HnswGraphOptions } from './hnsw-graph.js';

export type RowReader = (row: number) => { source: Float32Array; offset: number };

/**
 * The hnsw part of the index: a usearch graph keyed by numeric labels, and the labels of
 * ids. A replaced id gets a new label (usearch cannot overwrite a key in place), and its old
 * one is removed from the graph.
 */
export class LabelledGraph {
  private readonly graph: HnswGraph;
  private readonly labelOf = new Map<string, number>();
  private readonly idOfLabel = new Map<number, string>();
  private nextLabel = 0;

  constructor(
    private readonly dimensions: number,
    options: Omit<HnswGraphOptions, 'dimensions'>,
  ) {
    this.graph = HnswGraph.create({ ...options, dimensions });
  }

  /** Adds the given rows of a batch in one call (usearch adds a batch on all threads). */
  add(ids: readonly string[], rows: readonly number[], rowOf: RowReader): void {
    const dimensions = this.dimensions;
    const keys: number[] = new Array(rows.length);
    // One contiguous, offset-0 copy, as usearch wants it.
    const batch = new Float32Array(rows.length * dimensions);
    const replaced: number[] = [];
    rows.forEach((row, index) => {
      const id = ids[row] as string;
      const previous = this.labelOf.get(id);
      if (previous !== undefined) {
        replaced.push(previous);
        this.idOfLabel.delete(previous);
      }
      const label = this.nextLabel++;
      this.labelOf.set(id, label);
      this.idOfLabel.set(label, id);
      keys[index] = label;
      const { source, offset } = rowOf(row);
      batch.set(source.subarray(offset, offset + dimensions), index * dimensions);
    });
    this.graph.remove(replaced);
    this.graph.add(keys, batch);
  }

  remove(id: string): void {
    const label = this.labelOf.get(id);
    if (label === undefined) return;
    this.graph.remove([label]);
    this.labelOf.delete(id);
    this.idOfLabel.delete(label);
  }

  /** Ids of up to `wanted` approximate neighbours, in the graph's order. */
  search(query: Float32Array, wanted: number): string[] {
    const ids: string[] = [];
    for (const key of this.graph.search(query, wanted)) {
      const id = this.idOfLabel.get(key);
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }

  bytesPerVector(): number {
    return this.graph.bytesPerVector();
  }
}
