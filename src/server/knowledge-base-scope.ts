import type { Context, Hono, MiddlewareHandler } from 'hono';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { AccessKeys, type Caller, type KeyedKnowledgeBase, mayUse, seesEverything } from './access-keys.js';
import type { ServedKnowledgeBase, ServerContext } from './server-context.js';

/** What the gates leave on a request for the routes: who calls, and which knowledge base it reaches. */
export type ServerEnv = {
  Variables: {
    caller: Caller;
    knowledgeBase: ServedKnowledgeBase;
  };
};

/**
 * Where a knowledge base's routes live. Every knowledge-base route is registered once per
 * scope: under `/api/kb/{name}` for each served knowledge base, and under `/api` for the only
 * one (the routes a single-database server has always had).
 */
export interface KnowledgeBaseScope {
  /** Prefix of `ask`, `search`, `documents`, `upload`. */
  prefix: string;
  /** The listing of categories and documents. */
  listing: string;
}

export const namedScope: KnowledgeBaseScope = { prefix: '/api/kb/:name', listing: '/api/kb/:name' };
export const unscopedScope: KnowledgeBaseScope = { prefix: '/api', listing: '/api/kb' };
export const knowledgeBaseScopes = [unscopedScope, namedScope] as const;

/** The unscoped knowledge-base paths, as middleware patterns; a route added to a scope belongs here. */
const unscopedPaths = ['/api/ask', '/api/search', '/api/kb', '/api/documents', '/api/documents/*', '/api/upload'];

/** The knowledge base a gate admitted this request to; a route reached without one is a bug, refused. */
export function servedKnowledgeBase(context: Context<ServerEnv>): ServedKnowledgeBase {
  const knowledgeBase = context.get('knowledgeBase') as ServedKnowledgeBase | undefined;
  if (!knowledgeBase) throw new GemmaRagError(errorCodes.internal, 'No knowledge base was chosen for this route.');
  return knowledgeBase;
}

/** The knowledge bases this caller may use, in the order they are served. */
export function visibleKnowledgeBases(server: ServerContext, caller: Caller): ServedKnowledgeBase[] {
  return server.knowledgeBases.filter(({ name }) => mayUse(caller, name));
}

/**
 * Installs the gates: every `/api` and `/v1` request must carry a key the server knows (when it
 * has any); a knowledge-base route must name a knowledge base that key opens. Registered before
 * the routes, so no route runs ungated.
 */
export function installKnowledgeBaseGates(app: Hono<ServerEnv>, server: ServerContext, adminKey?: string): AccessKeys {
  refuseUnreachableKnowledgeBases(server.knowledgeBases, adminKey);
  const access = AccessKeys.from(adminKey, server.knowledgeBases);
  const byName = new Map(server.knowledgeBases.map((knowledgeBase) => [knowledgeBase.name, knowledgeBase]));

  const identify: MiddlewareHandler<ServerEnv> = async (context, next) => {
    // A CORS preflight carries no credentials; the request it announces is checked.
    if (context.req.method === 'OPTIONS') return next();
    const caller = access.identify(context.req.header('authorization'));
    if (!caller) {
      throw new GemmaRagError(errorCodes.unauthorized, 'Missing or wrong API key: send "Authorization: Bearer <key>".');
    }
    context.set('caller', caller);
    await next();
  };
  app.use('/api/*', identify);
  app.use('/v1/*', identify);

  // `/api/kb/:name/*` matches `/api/kb/:name` itself too.
  app.use('/api/kb/:name/*', async (context, next) => {
    if (context.req.method === 'OPTIONS') return next();
    const name = context.req.param('name');
    const caller = context.get('caller');
    const knowledgeBase = byName.get(name);
    if (knowledgeBase && mayUse(caller, name)) {
      context.set('knowledgeBase', knowledgeBase);
      return next();
    }
    // "Not yours" and "no such" answer alike for a key that sees only some, so names cannot be probed.
    if (!seesEverything(caller)) {
      throw new GemmaRagError(errorCodes.forbidden, `This key does not open a knowledge base named "${name}".`, {
        data: { name },
      });
    }
    throw new GemmaRagError(
      errorCodes.notFound,
      `No knowledge base named "${name}"; GET /api/kbs lists the ones served.`,
      { data: { name } },
    );
  });

  const only = server.knowledgeBases.length === 1 ? server.knowledgeBases[0] : undefined;
  for (const path of unscopedPaths) {
    app.use(path, async (context, next) => {
      if (context.req.method === 'OPTIONS') return next();
      if (!only) {
        const scoped = `/api/kb/{name}${context.req.path === '/api/kb' ? '' : context.req.path.slice('/api'.length)}`;
        throw new GemmaRagError(
          errorCodes.invalidArgument,
          `This server serves several knowledge bases: use ${scoped} (GET /api/kbs lists the ones your key opens).`,
          { data: { route: scoped, knowledgeBases: '/api/kbs' } },
        );
      }
      if (!mayUse(context.get('caller'), only.name)) {
        throw new GemmaRagError(errorCodes.forbidden, 'This key does not open the knowledge base served here.');
      }
      context.set('knowledgeBase', only);
      await next();
    });
  }
  return access;
}

/**
 * A knowledge base without keys of its own on a server that has keys would be reachable by no
 * one unless there is an admin key: refuse to start that way rather than serve it to nobody
 * (or, worse, to anybody).
 */
export function refuseUnreachableKnowledgeBases(
  knowledgeBases: readonly KeyedKnowledgeBase[],
  adminKey: string | undefined,
): void {
  if (adminKey || knowledgeBases.every(({ keys }) => keys.length === 0)) return;
  const keyless = knowledgeBases.filter(({ keys }) => keys.length === 0).map(({ name }) => name);
  if (keyless.length === 0) return;
  throw new GemmaRagError(
    errorCodes.invalidArgument,
    `Knowledge base ${keyless.map((name) => `"${name}"`).join(', ')} has no key while others do: give it one, or set an admin key (--api-key) that opens every knowledge base.`,
    { data: { knowledgeBases: keyless } },
  );
}
