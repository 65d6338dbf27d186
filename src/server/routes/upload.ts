import type { Hono } from 'hono';
import { parseWithCode } from '../../util/validation.js';
import { type KnowledgeBaseScope, type ServerEnv, servedKnowledgeBase } from '../knowledge-base-scope.js';
import type { ServerContext } from '../server-context.js';
import { withUploadedFile } from '../upload-file.js';
import { requireDeclaredFileType, uploadQuery } from '../upload-request.js';
import type { WorkQueue } from '../work-queue.js';

/** The upload routes (`/api/upload`, `/api/kb/{name}/upload`): they take a file body, with its own size limit. */
export const uploadPathPattern = /^\/api(?:\/kb\/[^/]+)?\/upload$/;

/**
 * `POST /api/upload?name=handbook.pdf&category=HR` with the file as the body: read by the same
 * loaders and written by the same ingest as `gemma-rag ingest` (one transaction per document,
 * unchanged content skipped). The document's identity is `upload:{category}/{name}`, so
 * uploading a changed file again updates it.
 */
export function registerUploadRoutes(
  app: Hono<ServerEnv>,
  server: ServerContext,
  scope: KnowledgeBaseScope,
  uploads: WorkQueue,
): void {
  app.post(`${scope.prefix}/upload`, async (context) => {
    const { store } = servedKnowledgeBase(context);
    requireDeclaredFileType(context.req.header('content-type'));
    const { name, category } = parseWithCode(uploadQuery, context.req.query(), 'upload');
    // A place is taken before the body is read: beyond the limit, 503 OVERLOADED at once.
    return uploads.run(() =>
      withUploadedFile(
        {
          body: context.req.raw.body,
          declaredBytes: context.req.header('content-length'),
          maxBytes: server.limits.maxUploadBytes,
        },
        name,
        async (path) => {
          const identity = `upload:${category}/${name}`;
          const report = await server.rag.ingestFiles(store, {
            source: { files: [{ path, root: path, category, fileName: name }] },
            load: { maxFileBytes: server.limits.maxUploadBytes, limits: server.limits.parse },
            storedSource: (readFrom) => identity + readFrom.slice(path.length),
            exclusive: (work) => server.queue.run(work),
          });
          return context.json({
            name,
            category,
            source: identity,
            documents: report.documents,
            added: report.added,
            updated: report.updated,
            unchanged: report.unchanged,
            chunksEmbedded: report.chunksEmbedded,
            skipped: report.skipped.map(({ reason }) => ({ name, reason })),
          });
        },
      ),
    );
  });
}
