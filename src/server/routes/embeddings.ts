import type { Hono } from 'hono';
import { encodeVector, type PromptChoice } from '../../app/options.js';
import { publicModelName } from '../../presentation/public-names.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import type { ServerEnv } from '../knowledge-base-scope.js';
import { readBody } from '../read-body.js';
import { ollamaEmbedRequest, openAiEmbeddingsRequest } from '../request-schemas.js';
import type { ServerContext } from '../server-context.js';

interface EmbedRequest {
  input: string | string[];
  dimensions?: number | undefined;
  prompt_name?: string | undefined;
  prompt?: string | undefined;
}

/**
 * Embeddings as other tools expect them. Like sentence-transformers and Ollama, no prompt
 * is added unless the request asks for one (`prompt_name` or `prompt`, our extension).
 */
async function embedRequest(server: ServerContext, request: EmbedRequest) {
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  if (inputs.length === 0) throw new GemmaRagError(errorCodes.invalidArgument, '`input` is empty.');
  if (inputs.length > server.limits.maxInputs) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      `Too many inputs: ${inputs.length}; this server accepts at most ${server.limits.maxInputs} per request.`,
      { data: { inputs: inputs.length, maxInputs: server.limits.maxInputs } },
    );
  }
  if (request.prompt_name !== undefined && request.prompt !== undefined) {
    throw new GemmaRagError(errorCodes.invalidArgument, 'Give `prompt_name` or `prompt`, not both.');
  }
  const prompt: PromptChoice =
    request.prompt_name !== undefined
      ? { kind: 'named', name: request.prompt_name }
      : request.prompt !== undefined
        ? { kind: 'custom', prefix: request.prompt }
        : { kind: 'none' };
  const { vectors } = await server.queue.run(() =>
    server.rag.embed(inputs, prompt, { dimensions: request.dimensions ?? 'native' }),
  );
  return { vectors, inputs };
}

export function registerEmbeddingRoutes(app: Hono<ServerEnv>, server: ServerContext): void {
  app.post('/v1/embeddings', async (context) => {
    const request = await readBody(context, openAiEmbeddingsRequest);
    const { vectors, inputs } = await embedRequest(server, request);
    const tokens = inputs.reduce((sum, input) => sum + Buffer.byteLength(input, 'utf8'), 0);
    return context.json({
      object: 'list',
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: request.encoding_format === 'base64' ? encodeVector(vector).toString('base64') : Array.from(vector),
      })),
      model: request.model ?? publicModelName(server.rag.embedder.model.modelId),
      // An upper bound (UTF-8 bytes): exact counts would load a tokenizer for every request.
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  });

  app.get('/v1/models', (context) => {
    const { model } = server.rag.embedder;
    return context.json({
      object: 'list',
      data: [
        { id: publicModelName(model.modelId), object: 'model', created: 0, owned_by: `gemma-rag (${model.label})` },
      ],
    });
  });

  app.post('/api/embed', async (context) => {
    const request = await readBody(context, ollamaEmbedRequest);
    const started = performance.now();
    // Ollama truncates long inputs by default; gemma-rag refuses them instead (400 INPUT_TOO_LONG).
    const { vectors } = await embedRequest(server, request);
    return context.json({
      model: request.model ?? publicModelName(server.rag.embedder.model.modelId),
      embeddings: vectors.map((vector) => Array.from(vector)),
      total_duration: Math.round((performance.now() - started) * 1e6),
      load_duration: 0,
      prompt_eval_count: 0,
    });
  });
}
