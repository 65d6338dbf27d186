import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { presentError } from '../presentation/error-json.js';
import { publicModelName } from '../presentation/public-names.js';
import { asGemmaRagError, errorCodes, GemmaRagError } from '../spec/errors.js';
import { httpStatusFor, retryAfterSecondsFor } from './http-status.js';
import { checkKnowledgeBaseNames } from './knowledge-base-name.js';
import { installKnowledgeBaseGates, knowledgeBaseScopes, type ServerEnv } from './knowledge-base-scope.js';
import { payloadTooLargeError } from './read-body.js';
import { crossSiteGate, hostGate } from './request-origin.js';
import { registerAskRoutes } from './routes/ask.js';
import { registerEmbeddingRoutes } from './routes/embeddings.js';
import { registerKnowledgeBaseRoutes } from './routes/knowledge-base.js';
import { registerKnowledgeBasesRoute } from './routes/knowledge-bases.js';
import { registerUploadRoutes, uploadPathPattern } from './routes/upload.js';
import { registerWebRoutes } from './routes/web.js';
import type { ServerContext } from './server-context.js';
import { WorkQueue } from './work-queue.js';

export interface AppOptions {
  /**
   * The admin key: opens every knowledge base. With it (or any knowledge base's own key), every
   * /api and /v1 route requires `Authorization: Bearer <key>`.
   */
  apiKey?: string | undefined;
  /** Origins allowed by CORS (`*`: every origin, only with a key); none (the default) means no CORS headers at all. */
  corsOrigins?: readonly string[] | undefined;
  /** The address listened on; requests must name it (or loopback, or `allowedHosts`) in `Host`. Default: loopback only. */
  listenHost?: string | undefined;
  /** More host names requests may carry (`--allowed-host`), e.g. a reverse proxy's. */
  allowedHosts?: readonly string[] | undefined;
}

/** `--cors '*'` on a server without keys would hand the knowledge base to every web page. */
function refuseOpenCorsWithoutKeys(corsOrigins: readonly string[], apiKey: string | undefined, server: ServerContext) {
  const keyed = Boolean(apiKey) || server.knowledgeBases.some(({ keys }) => keys.length > 0);
  if (corsOrigins.includes('*') && !keyed) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      "--cors '*' lets every web page call the API: set an API key (--api-key) too, or name the origins.",
    );
  }
}

function errorResponse(context: Context, error: unknown): Response {
  const known = asGemmaRagError(error);
  const retryAfter = retryAfterSecondsFor(known.code);
  if (retryAfter !== undefined) context.header('retry-after', String(retryAfter));
  return context.json(presentError(known), httpStatusFor(known.code));
}

/**
 * The HTTP API and web UI on one Hono app. Every error leaves as JSON with a stable code;
 * the status comes from http-status.ts and nowhere else.
 */
export function createApp(server: ServerContext, options: AppOptions = {}): Hono<ServerEnv> {
  if (server.knowledgeBases.length === 0) {
    throw new GemmaRagError(errorCodes.invalidArgument, 'The server needs at least one knowledge base.');
  }
  checkKnowledgeBaseNames(server.knowledgeBases, ({ store }) => store.location);
  const app = new Hono<ServerEnv>();
  app.use('*', hostGate(options));
  const corsOrigins = options.corsOrigins ?? [];
  if (corsOrigins.length > 0) {
    refuseOpenCorsWithoutKeys(corsOrigins, options.apiKey, server);
    const origin = corsOrigins.includes('*') ? '*' : [...corsOrigins];
    app.use('/api/*', cors({ origin }));
    app.use('/v1/*', cors({ origin }));
  }
  app.use('/api/*', crossSiteGate(options));
  app.use('/v1/*', crossSiteGate(options));
  const access = installKnowledgeBaseGates(app, server, options.apiKey);
  const maxBodyBytes = server.limits.maxBodyBytes;
  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw payloadTooLargeError('request body', maxBodyBytes);
    },
  });
  // A document upload is a file, not a JSON body: the route streams it to disk and counts it
  // against the ingest file-size limit itself (Hono's bodyLimit would hold it all in memory).
  app.use('/api/*', (context, next) => (uploadPathPattern.test(context.req.path) ? next() : limit(context, next)));
  app.use('/v1/*', limit);

  app.get('/healthz', (context) =>
    context.json({
      status: 'ok',
      engine: server.rag.embedder.model.label,
      model: publicModelName(server.rag.embedder.model.modelId),
      dimensions: server.rag.embedder.dimensions,
      generate: server.generate,
      pending: server.queue.pending,
    }),
  );
  registerEmbeddingRoutes(app, server);
  registerKnowledgeBasesRoute(app, server);
  // Uploads take a place before their body is read, shared by every scope; none wait.
  const uploads = new WorkQueue(server.limits.maxUploadsInFlight ?? 4, 0);
  for (const scope of knowledgeBaseScopes) {
    registerAskRoutes(app, server, scope);
    registerKnowledgeBaseRoutes(app, server, scope);
    registerUploadRoutes(app, server, scope, uploads);
  }
  registerWebRoutes(app, { apiKeyRequired: access.required });

  app.notFound((context) => {
    const { method, path } = context.req;
    return errorResponse(
      context,
      new GemmaRagError(errorCodes.notFound, `No route for ${method} ${path}.`, { data: { method, path } }),
    );
  });
  app.onError((error, context) => errorResponse(context, error));
  return app;
}
