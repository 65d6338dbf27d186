/** How far loading a model into memory is (llama.cpp reads and maps the weights): 0 to 1. */
export interface ModelLoadProgress {
  role: 'embedding' | 'generation' | 'reranking';
  /** The model as named or resolved (a file path for llama-cpp). */
  model: string;
  fraction: number;
}
