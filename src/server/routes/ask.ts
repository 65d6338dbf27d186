import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { askJson } from '../../presentation/ask-json.js';
import { presentError } from '../../presentation/error-json.js';
import { filterRequest } from '../../retrieval/route.js';
import { asGemmaRagError } from '../../spec/errors.js';
import { type KnowledgeBaseScope, type ServerEnv, servedKnowledgeBase } from '../knowledge-base-scope.js';
import { readBody } from '../read-body.js';
import { askRequest, searchRequest } from '../request-schemas.js';
import type { ServerContext } from '../server-context.js';

export function registerAskRoutes(app: Hono<ServerEnv>, server: ServerContext, scope: KnowledgeBaseScope): void {
  app.post(`${scope.prefix}/ask`, async (context) => {
    const { index } = servedKnowledgeBase(context);
    const request = await readBody(context, askRequest);
    const generate = server.generate && request.generate !== false;
    const { question, history, generate: _generate, stream: _stream, maxTokens: _maxTokens, ...route } = request;
    const abortSignal = context.req.raw.signal;
    // The follow-up is made standalone first: retrieval and the refusal gate judge that question.
    const { condensed, retrieval } = await server.queue.run(async () => {
      const condensed = await server.rag.condense(question, history, { generate, abortSignal });
      return {
        condensed,
        retrieval: await server.rag.retrieve(index, condensed?.standalone ?? question, route),
      };
    });
    const answer = (onText?: (text: string) => void) =>
      server.queue.run(() =>
        server.rag.answer(question, retrieval, {
          generate,
          maxTokens: request.maxTokens,
          onText,
          abortSignal,
          condensed,
        }),
      );
    if (!request.stream) return context.json(askJson(server.rag, await answer()));
    return streamSSE(context, async (stream) => {
      // Stages first, so a page can show where the answer comes from before it is written.
      await stream.writeSSE({
        event: 'retrieval',
        data: JSON.stringify({
          condensed: condensed && { standalone: condensed.standalone, method: condensed.method },
          category: retrieval.category,
          document: retrieval.document,
          refused: retrieval.document === null,
        }),
      });
      try {
        const pending: Promise<void>[] = [];
        const result = await answer((text) => {
          pending.push(stream.writeSSE({ event: 'token', data: JSON.stringify({ text }) }));
        });
        await Promise.all(pending);
        await stream.writeSSE({ event: 'result', data: JSON.stringify(askJson(server.rag, result)) });
      } catch (error) {
        await stream.writeSSE({ event: 'error', data: JSON.stringify(presentError(asGemmaRagError(error))) });
      }
    });
  });

  app.post(`${scope.prefix}/search`, async (context) => {
    const { index } = servedKnowledgeBase(context);
    const request = await readBody(context, searchRequest);
    const results = await server.queue.run(() =>
      server.rag.search(index, request.query, {
        topK: request.topK,
        mode: request.mode,
        ...(request.relativeCutoff === undefined ? {} : { relativeCutoff: request.relativeCutoff }),
        ...filterRequest(request),
      }),
    );
    return context.json({
      engine: server.rag.embedder.model.label,
      mode: request.mode,
      results: results.map(({ documentId, title, category, score, keywordScore, rerankScore }) => ({
        id: documentId,
        title,
        category,
        score,
        keywordScore,
        rerankScore,
      })),
    });
  });
}
