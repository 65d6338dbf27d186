import type { Hono } from 'hono';
import { describeLocation } from '../../presentation/cite-location.js';
import { publicSource } from '../../presentation/public-names.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { type KnowledgeBaseScope, type ServerEnv, servedKnowledgeBase } from '../knowledge-base-scope.js';
import { readBody } from '../read-body.js';
import { documentRequest } from '../request-schemas.js';
import type { ServerContext } from '../server-context.js';

function documentId(raw: string): number {
  if (!/^\d+$/.test(raw))
    throw new GemmaRagError(errorCodes.invalidArgument, `Document id must be a number; got "${raw}".`);
  return Number(raw);
}

export function registerKnowledgeBaseRoutes(
  app: Hono<ServerEnv>,
  server: ServerContext,
  scope: KnowledgeBaseScope,
): void {
  app.get(scope.listing, async (context) => {
    const { store } = servedKnowledgeBase(context);
    const documents = await store.listDocuments();
    return context.json({
      engine: server.rag.embedder.model.label,
      categories: (await store.listCategories()).map((category) => ({
        ...category,
        items: documents
          .filter((document) => document.category === category.name)
          .map(({ id, title, source, chunks, pages, ingestedAt, tags }) => ({
            id,
            title,
            source: publicSource(source, category.name),
            chunks,
            pages,
            ingestedAt,
            tags,
          })),
      })),
    });
  });

  app.get(`${scope.prefix}/documents/:id`, async (context) => {
    const { store } = servedKnowledgeBase(context);
    const id = documentId(context.req.param('id'));
    const document = await store.documentById(id);
    if (!document) throw new GemmaRagError(errorCodes.notFound, `No document with id ${id}.`);
    return context.json({
      ...document,
      source: publicSource(document.source, document.category),
      chunks: document.chunks.map((chunk) => ({ ...chunk, place: describeLocation(chunk.location) })),
    });
  });

  app.post(`${scope.prefix}/documents`, async (context) => {
    const { store } = servedKnowledgeBase(context);
    const request = await readBody(context, documentRequest);
    // Documents sent through the API live under `api:`, whatever `source` says: a caller cannot
    // name an ingested file's or an upload's entry and overwrite it.
    const given = request.source;
    const source =
      given === undefined
        ? `api:${request.category}/${request.title}`
        : given.startsWith('api:')
          ? given
          : `api:${given}`;
    const report = await server.queue.run(() =>
      server.rag.ingestFiles(store, {
        source: { documents: [{ category: request.category, title: request.title, content: request.content, source }] },
      }),
    );
    const stored = await store.findDocument(source);
    const outcome = report.added ? 'added' : report.updated ? 'updated' : 'unchanged';
    return context.json(
      { id: stored?.id, source, outcome, chunks: report.chunksEmbedded },
      outcome === 'added' ? 201 : 200,
    );
  });

  app.delete(`${scope.prefix}/documents/:id`, async (context) => {
    const { store } = servedKnowledgeBase(context);
    const id = documentId(context.req.param('id'));
    if ((await store.removeDocuments([id])) === 0)
      throw new GemmaRagError(errorCodes.notFound, `No document with id ${id}.`);
    return context.json({ removed: 1 });
  });
}
