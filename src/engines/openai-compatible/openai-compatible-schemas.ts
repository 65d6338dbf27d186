import { z } from 'zod';

// Minimal, forgiving schemas: only the fields we read, so that llama.cpp, vLLM, TEI,
// LM Studio, Ollama's /v1 and OpenAI itself all pass.

export const embeddingsResponseSchema = z.object({
  data: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      embedding: z.array(z.number()),
    }),
  ),
});

export const modelsResponseSchema = z.object({
  data: z.array(z.object({ id: z.string() })),
});

export const chatChunkSchema = z.union([
  z.object({ error: z.union([z.string(), z.object({ message: z.string() })]) }),
  z.object({
    choices: z.array(
      z.object({
        delta: z.object({ content: z.string().nullish() }).optional(),
        finish_reason: z.string().nullish(),
      }),
    ),
  }),
]);

/** `/v1/rerank` as llama.cpp's llama-server (Jina's shape), vLLM and TEI-compatible servers answer it. */
export const rerankResponseSchema = z.object({
  results: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      relevance_score: z.number(),
    }),
  ),
});
