import { z } from 'zod';

// Minimal, forgiving schemas of Ollama's responses: only the fields we read, unknown fields
// allowed, so that a new Ollama release adding fields breaks nothing.

export const ollamaEmbedResponseSchema = z.object({
  embeddings: z.array(z.array(z.number())),
});

export const ollamaTagsResponseSchema = z.object({
  models: z.array(
    z.object({
      name: z.string(),
      model: z.string().optional(),
      digest: z.string().optional(),
    }),
  ),
});

export const ollamaShowResponseSchema = z.object({
  details: z
    .object({
      family: z.string().optional(),
      quantization_level: z.string().optional(),
    })
    .optional(),
  capabilities: z.array(z.string()).optional(),
});

export const ollamaChatChunkSchema = z.union([
  z.object({ error: z.string() }),
  z.object({
    message: z.object({ content: z.string().optional() }).optional(),
    done: z.boolean().optional(),
    done_reason: z.string().optional(),
  }),
]);
