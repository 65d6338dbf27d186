import type { Hono } from 'hono';
import { type ServerEnv, visibleKnowledgeBases } from '../knowledge-base-scope.js';
import type { ServerContext } from '../server-context.js';

/**
 * `GET /api/kbs`: the knowledge bases the presented key opens (all of them for the admin key,
 * or when the server has no keys), with their routes' prefix and sizes. Others are not named.
 */
export function registerKnowledgeBasesRoute(app: Hono<ServerEnv>, server: ServerContext): void {
  app.get('/api/kbs', async (context) => {
    const visible = visibleKnowledgeBases(server, context.get('caller'));
    return context.json({
      knowledgeBases: await Promise.all(
        visible.map(async ({ name, store }) => {
          const categories = await store.listCategories();
          return {
            name,
            routes: `/api/kb/${name}`,
            categories: categories.length,
            documents: categories.reduce((sum, category) => sum + category.documents, 0),
            chunks: categories.reduce((sum, category) => sum + category.chunks, 0),
          };
        }),
      ),
    });
  });
}
