import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { filterRequest } from '../../app/options.js';
import type { AskOptions, AskResult, Rag } from '../../app/rag.js';
import { askJson } from '../../presentation/ask-json.js';
import { presentError } from '../../presentation/error-json.js';
import { publicSource } from '../../presentation/public-names.js';
import { asGemmaRagError } from '../../spec/errors.js';
import { AskEvents } from '../ask-events.js';
import { type KnowledgeBaseScope, type ServerEnv, servedKnowledgeBase } from '../knowledge-base-scope.js';
import { readBody } from '../read-body.js';
import { askRequest, searchRequest } from '../request-schemas.js';
import type { ServerContext } from '../server-context.js';

/** `ask --json`'s shape, with sources as HTTP clients see them (no server paths). */
function askJsonForHttp(rag: Rag, result: AskResult) {
  const json = askJson(rag, result);
  return {
    ...json,
    citations: json.citations.map((citation) => ({
      ...citation,
      source: publicSource(citation.source, citation.category),
    })),
  };
}

export function registerAskRoutes(app: Hono<ServerEnv>, server: ServerContext, scope: KnowledgeBaseScope): void {
  app.post(`${scope.prefix}/ask`, async (context) => {
    const { index } = servedKnowledgeBase(context);
    const { question, stream, ...request } = await readBody(context, askRequest);
    const ask = (hooks: Pick<AskOptions, 'onRetrieval' | 'onText' | 'onRetract'> = {}) =>
      server.queue.run(() =>
        server.rag.ask(index, question, {
          ...request,
          ...hooks,
          generate: server.generate && request.generate !== false,
          abortSignal: context.req.raw.signal,
        }),
      );
    if (!stream) return context.json(askJsonForHttp(server.rag, await ask()));
    // The stream opens once retrieval has decided, so a bad request (an unknown filter, an
    // engine that cannot load) is still an HTTP error with its status, not an event.
    const events = new AskEvents();
    const running = ask({
      onRetrieval: (stages) => events.retrieved(stages),
      onText: (text) => events.text(text),
      onRetract: () => events.retract(),
    });
    await events.untilRetrievedOrFailed(running);
    return streamSSE(context, async (sse) => {
      try {
        await events.pipeTo(sse, running, (result) => askJsonForHttp(server.rag, result));
      } catch (error) {
        await sse.writeSSE({ event: 'error', data: JSON.stringify(presentError(asGemmaRagError(error))) });
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
