/**
 * Models gemma-rag knows by name. Users may pass any GGUF path or `hf:` URI instead;
 * these are the defaults and the documented alternatives.
 */
export interface CatalogEntry {
  alias: string;
  role: 'embedding' | 'generation' | 'reranking';
  uri: string;
  description: string;
}

export const modelCatalog: readonly CatalogEntry[] = [
  {
    alias: 'embeddinggemma',
    role: 'embedding',
    uri: 'hf:ggml-org/embeddinggemma-300M-GGUF:Q8_0',
    description: 'EmbeddingGemma 300M, Q8_0 (~330 MB), with its Dense layers — the default',
  },
  {
    alias: 'gemma3-4b',
    role: 'generation',
    uri: 'hf:ggml-org/gemma-3-4b-it-GGUF:Q4_K_M',
    description: 'Gemma 3 4B instruction-tuned, Q4_K_M (~2.5 GB) — the default, as in the seed',
  },
  {
    alias: 'gemma3-1b',
    role: 'generation',
    uri: 'hf:ggml-org/gemma-3-1b-it-GGUF:Q4_K_M',
    description: 'Gemma 3 1B instruction-tuned, Q4_K_M (~0.8 GB) — smaller and faster, weaker answers',
  },
  {
    alias: 'gemma4-e2b',
    role: 'generation',
    uri: 'hf:unsloth/gemma-4-E2B-it-GGUF:Q4_K_M',
    description: 'Gemma 4 E2B instruction-tuned, Q4_K_M — Gemma 4 on small machines',
  },
  {
    alias: 'gemma4-e4b',
    role: 'generation',
    uri: 'hf:ggml-org/gemma-4-E4B-it-GGUF:Q4_K_M',
    description: 'Gemma 4 E4B instruction-tuned, Q4_K_M',
  },
  {
    alias: 'bge-reranker-v2-m3',
    role: 'reranking',
    uri: 'hf:gpustack/bge-reranker-v2-m3-GGUF:Q8_0',
    description: 'BAAI bge-reranker-v2-m3 cross-encoder, Q8_0 (~0.6 GB), multilingual — for --rerank',
  },
];

export const defaultModelAlias = {
  embedding: 'embeddinggemma',
  generation: 'gemma3-4b',
  reranking: 'bge-reranker-v2-m3',
} as const;

export type ModelRole = CatalogEntry['role'];

export function catalogEntry(alias: string): CatalogEntry | undefined {
  return modelCatalog.find((entry) => entry.alias === alias);
}
