import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { z } from 'zod';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { parseWithCode } from '../../util/validation.js';
import { type KnowledgeBaseScope, type ServerEnv, servedKnowledgeBase } from '../knowledge-base-scope.js';
import { mediaType } from '../read-body.js';
import type { ServerContext } from '../server-context.js';

/** The upload routes (`/api/upload`, `/api/kb/{name}/upload`): they take a file body, with its own size limit. */
export const uploadPathPattern = /^\/api(?:\/kb\/[^/]+)?\/upload$/;

/** The file's own name and the category it goes in; the body is the file itself. */
const uploadQuery = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'name the file')
      .max(255)
      .refine(
        (name) => !name.includes('/') && !name.includes('\\') && !name.includes('\u0000') && !/^\.\.?$/.test(name),
        'a file name, not a path',
      ),
    category: z.string().trim().min(1).max(200).default('Uploads'),
  })
  .strict();

/** The types a web page may send anywhere without a CORS preflight. */
const preflightFreeTypes = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);

/**
 * An upload declares its type (`application/octet-stream` will do; the loader goes by the name):
 * a body without one, or with a type a page on another site could send without asking, is refused.
 */
function requireDeclaredFileType(contentType: string | undefined): void {
  const type = mediaType(contentType);
  if (type !== undefined && !preflightFreeTypes.has(type)) return;
  throw new GemmaRagError(
    errorCodes.unsupportedMediaType,
    `Send the file with a Content-Type such as application/octet-stream${type ? `, not ${type}` : ''}.`,
    { data: { contentType: type ?? null } },
  );
}

/**
 * `POST /api/upload?name=handbook.pdf&category=HR` with the file as the body: read by the same
 * loaders and written by the same ingest as `gemma-rag ingest` (one transaction per document,
 * unchanged content skipped). The document's identity is `upload:{category}/{name}`, so
 * uploading a changed file again updates it.
 */
export function registerUploadRoutes(app: Hono<ServerEnv>, server: ServerContext, scope: KnowledgeBaseScope): void {
  app.post(`${scope.prefix}/upload`, async (context) => {
    const { store } = servedKnowledgeBase(context);
    requireDeclaredFileType(context.req.header('content-type'));
    const { name, category } = parseWithCode(uploadQuery, context.req.query(), 'upload');
    const bytes = new Uint8Array(await context.req.arrayBuffer());
    // The loaders read files: the upload is one, under its own name, for as long as it is read.
    const folder = await mkdtemp(join(tmpdir(), 'gemma-rag-upload-'));
    try {
      const path = join(folder, name);
      await writeFile(path, bytes);
      const identity = `upload:${category}/${name}`;
      const report = await server.rag.ingestFiles(store, {
        source: { files: [{ path, root: path, category }] },
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
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
}
