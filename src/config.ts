import { z } from 'zod';

export const embeddingEngineIds = ['llama-cpp', 'lexical', 'ollama', 'openai-compatible', 'transformers'] as const;
export const generationEngineIds = ['llama-cpp', 'ollama', 'openai-compatible', 'transformers'] as const;
export const rankingEngineIds = ['llama-cpp', 'openai-compatible'] as const;
export type EmbeddingEngineId = (typeof embeddingEngineIds)[number];
export type GenerationEngineId = (typeof generationEngineIds)[number];
export type RankingEngineId = (typeof rankingEngineIds)[number];

/** Passages the reranker reads per question, and its score floor, unless configured. */
export const rerankDefaults = { top: 20, threshold: 0.1 } as const;

const threshold = z.number().min(-1).max(1);

/** Everything `createRag` needs to know; validated once here, trusted inside. */
export const ragConfigSchema = z
  .object({
    /** Engine that embeds. Default `llama-cpp` with the default EmbeddingGemma GGUF. */
    engine: z.enum(embeddingEngineIds).default('llama-cpp'),
    /** Engine that answers. Default: the embedding engine when it can generate, else `llama-cpp`. */
    generationEngine: z.enum(generationEngineIds).optional(),
    /** Server address for HTTP engines (Ollama default http://127.0.0.1:11434, OpenAI-compatible http://127.0.0.1:8080). */
    baseUrl: z.string().url().optional(),
    /** Server address for the answering engine, when it differs from `baseUrl`. */
    generationBaseUrl: z.string().url().optional(),
    /** Bearer key for OpenAI-compatible servers (default $GEMMA_RAG_ENGINE_API_KEY; $OPENAI_API_KEY only for api.openai.com). */
    apiKey: z.string().min(1).optional(),
    /** llama-cpp: GGUF path, `hf:` URI or catalog alias (default $GEMMA_RAG_EMBEDDING_MODEL, then EmbeddingGemma Q8_0); HTTP engines: the server's model name. */
    embeddingModel: z.string().min(1).optional(),
    /** llama-cpp: GGUF path, `hf:` URI or catalog alias (default $GEMMA_RAG_GENERATION_MODEL, then Gemma 3 4B Q4_K_M); HTTP engines: the server's model name. */
    generationModel: z.string().min(1).optional(),
    /** Override the profile inferred from the model (prompt table, limits). */
    modelProfile: z.enum(['embeddinggemma', 'embeddinggemma-2']).optional(),
    /** Matryoshka output size; default the model's native size (768). */
    dimensions: z.number().int().positive().optional(),
    /** Stage thresholds; default the engine's or profile's (0.4 for EmbeddingGemma, as in the seed). */
    categoryThreshold: threshold.optional(),
    documentThreshold: threshold.optional(),
    /**
     * The support gate: a sentence of the chosen document must reach this cosine with the
     * question; false turns it off. Default the profile's by size (0.38 at 768 for EmbeddingGemma).
     */
    supportThreshold: z.union([threshold, z.literal(false)]).optional(),
    /** CPU threads for in-process engines; default the physical core count. */
    threads: z.number().int().positive().optional(),
    gpu: z.union([z.literal('auto'), z.literal(false)]).default('auto'),
    /** Download missing default models. Default false: never download what the user did not ask for. */
    pull: z.boolean().default(false),
    /** Load an EmbeddingGemma GGUF without its Dense layers (wrong vectors; for diagnosis only). */
    allowMissingDense: z.boolean().default(false),
    /**
     * transformers engine: ONNX weights of the embedding model — `fp32` (the model card's numbers),
     * `q8` or `q4`. Default `q8`. float16 variants are refused (activations overflow to NaN).
     */
    dtype: z.enum(['fp32', 'q8', 'q4']).optional(),
    /**
     * A cross-encoder that reorders the passages that passed the embedding gate: a reranker GGUF
     * (path, `hf:` URI or alias) for llama-cpp, the server's model name for openai-compatible.
     * Unset: no reranking.
     */
    rerankModel: z.string().min(1).optional(),
    /** Engine that reranks. Default `llama-cpp`. */
    rerankEngine: z.enum(rankingEngineIds).default('llama-cpp'),
    /** Server address for an openai-compatible reranker; default `baseUrl`. */
    rerankBaseUrl: z.string().url().optional(),
    /** What an openai-compatible reranker returns: `logits` (llama-server, default) or `probabilities`. */
    rerankScores: z.enum(['logits', 'probabilities']).optional(),
    /** Passages (chunks) the reranker reads per question, best first. Default 20. */
    rerankTop: z.number().int().min(1).max(200).default(rerankDefaults.top),
    /** The reranker's own floor in [0, 1]: a passage below it is not answered from. Default 0.1. */
    rerankThreshold: z.number().min(0).max(1).default(rerankDefaults.threshold),
  })
  .strict();

export type RagConfig = z.input<typeof ragConfigSchema>;
export type ResolvedRagConfig = z.output<typeof ragConfigSchema>;
