/**
 * Models gemma-rag knows by name. Users may pass any GGUF path or `hf:` URI instead;
 * these are the defaults and the documented alternatives.
 */
export interface CatalogEntry {
  alias: string;
  /** What it is, in a few words: family, size, quantization. */
  name: string;
  role: 'embedding' | 'generation' | 'reranking';
  uri: string;
  description: string;
  /** The file itself over plain HTTPS (to fetch by hand), where its name was checked; else the repository page. */
  url: string;
  /** Download size, where it was checked against the published file. */
  size?: string | undefined;
}

const huggingFace = 'https://huggingface.co';

export const modelCatalog: readonly CatalogEntry[] = [
  {
    alias: 'embeddinggemma',
    name: 'EmbeddingGemma 300M, Q8_0',
    role: 'embedding',
    uri: 'hf:ggml-org/embeddinggemma-300M-GGUF:Q8_0',
    description: 'EmbeddingGemma 300M, Q8_0 (~330 MB), with its Dense layers — the default',
    url: `${huggingFace}/ggml-org/embeddinggemma-300M-GGUF/resolve/main/embeddinggemma-300M-Q8_0.gguf`,
    size: '334 MB',
  },
  {
    alias: 'embeddinggemma-qat',
    name: 'EmbeddingGemma 300M QAT, Q8_0',
    role: 'embedding',
    uri: 'hf:ggml-org/embeddinggemma-300m-qat-q8_0-GGUF/embeddinggemma-300m-qat-Q8_0.gguf',
    description:
      'EmbeddingGemma 300M quantization-aware Q8_0 (~329 MB) — unverified here: run gemma-rag doctor on it (Dense layers, card check)',
    url: `${huggingFace}/ggml-org/embeddinggemma-300m-qat-q8_0-GGUF/resolve/main/embeddinggemma-300m-qat-Q8_0.gguf`,
    size: '329 MB',
  },
  {
    alias: 'gemma3-4b',
    name: 'Gemma 3 4B instruction-tuned, Q4_K_M',
    role: 'generation',
    uri: 'hf:ggml-org/gemma-3-4b-it-GGUF:Q4_K_M',
    description: 'Gemma 3 4B instruction-tuned, Q4_K_M (~2.5 GB) — the default, as in the seed',
    url: `${huggingFace}/ggml-org/gemma-3-4b-it-GGUF/resolve/main/gemma-3-4b-it-Q4_K_M.gguf`,
    size: '2.49 GB',
  },
  {
    alias: 'gemma3-4b-qat',
    name: 'Gemma 3 4B instruction-tuned QAT, Q4_0',
    role: 'generation',
    uri: 'hf:ggml-org/gemma-3-4b-it-qat-GGUF/gemma-3-4b-it-qat-Q4_0.gguf',
    description: 'Gemma 3 4B instruction-tuned, quantization-aware Q4_0 (~2.5 GB) — unverified here',
    url: `${huggingFace}/ggml-org/gemma-3-4b-it-qat-GGUF/resolve/main/gemma-3-4b-it-qat-Q4_0.gguf`,
    size: '2.53 GB',
  },
  {
    alias: 'gemma3-1b',
    name: 'Gemma 3 1B instruction-tuned, Q4_K_M',
    role: 'generation',
    uri: 'hf:ggml-org/gemma-3-1b-it-GGUF:Q4_K_M',
    description: 'Gemma 3 1B instruction-tuned, Q4_K_M (~0.8 GB) — smaller and faster, weaker answers',
    url: `${huggingFace}/ggml-org/gemma-3-1b-it-GGUF`,
  },
  {
    alias: 'gemma4-e2b',
    name: 'Gemma 4 E2B instruction-tuned, Q4_K_M',
    role: 'generation',
    uri: 'hf:unsloth/gemma-4-E2B-it-GGUF:Q4_K_M',
    description: 'Gemma 4 E2B instruction-tuned, Q4_K_M — Gemma 4 on small machines',
    url: `${huggingFace}/unsloth/gemma-4-E2B-it-GGUF`,
  },
  {
    alias: 'gemma4-e4b',
    name: 'Gemma 4 E4B instruction-tuned, Q4_K_M',
    role: 'generation',
    uri: 'hf:ggml-org/gemma-4-E4B-it-GGUF:Q4_K_M',
    description: 'Gemma 4 E4B instruction-tuned, Q4_K_M',
    url: `${huggingFace}/ggml-org/gemma-4-E4B-it-GGUF`,
  },
  {
    alias: 'bge-reranker-v2-m3',
    name: 'bge-reranker-v2-m3, Q8_0',
    role: 'reranking',
    uri: 'hf:gpustack/bge-reranker-v2-m3-GGUF:Q8_0',
    description: 'BAAI bge-reranker-v2-m3 cross-encoder, Q8_0 (~0.6 GB), multilingual — for --rerank',
    url: `${huggingFace}/gpustack/bge-reranker-v2-m3-GGUF`,
    size: '636 MB',
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
