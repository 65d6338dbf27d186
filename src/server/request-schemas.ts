import { z } from 'zod';
import { conversationHistorySchema, routeRequestSchema } from '../app/options.js';

/** Strict schemas for our own API; minimal, compatible ones for the OpenAI and Ollama shapes. */
const inputs = z.union([z.string(), z.array(z.string())]);

export const openAiEmbeddingsRequest = z.object({
  model: z.string().optional(),
  input: inputs,
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).default('float'),
  user: z.string().optional(),
  /** gemma-rag extension: a named EmbeddingGemma prompt (e.g. "query", "document"). */
  prompt_name: z.string().optional(),
  /** gemma-rag extension: a literal prompt prefix. */
  prompt: z.string().optional(),
});

export const ollamaEmbedRequest = z.object({
  model: z.string().optional(),
  input: inputs,
  truncate: z.boolean().optional(),
  dimensions: z.number().int().positive().optional(),
  keep_alive: z.union([z.string(), z.number()]).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  prompt_name: z.string().optional(),
  prompt: z.string().optional(),
});

// The route fields are the library's own route request (route.ts), validated by its schema.
const { topK: _topK, ...retrievalFields } = routeRequestSchema.shape;

export const askRequest = z
  .object({
    question: z.string().trim().min(1, 'ask something: the question is empty').max(8000),
    /** Earlier turns, oldest first (at most 20): a follow-up is made standalone before retrieval. */
    history: conversationHistorySchema.optional(),
    ...retrievalFields,
    /** false: answer with the matching text itself. */
    generate: z.boolean().optional(),
    /** true: a Server-Sent Events stream of tokens, then the result. */
    stream: z.boolean().default(false),
    maxTokens: z.number().int().min(1).max(4096).optional(),
  })
  .strict();

export const searchRequest = z
  .object({
    query: z.string().trim().min(1, 'the query is empty').max(8000),
    topK: z.number().int().min(1).max(100).default(5),
    mode: z.enum(['hybrid', 'flat']).default('hybrid'),
    relativeCutoff: z.number().min(0).max(1).optional(),
    categories: routeRequestSchema.shape.categories,
    documents: routeRequestSchema.shape.documents,
    tags: routeRequestSchema.shape.tags,
  })
  .strict();

export const documentRequest = z
  .object({
    category: z.string().trim().min(1, 'a document needs a category'),
    title: z.string().trim().min(1, 'a document needs a title'),
    content: z.string().trim().min(1, 'a document needs content'),
    /** Identity for later updates, always under `api:` (`api:` is added when missing); default `api:{category}/{title}`. */
    source: z.string().trim().min(1).optional(),
  })
  .strict();
