import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { errorCodes, GemmaRagError } from '../spec/errors.js';

/**
 * Which requests may reach the server at all, judged by where they say they come from. Two
 * browser attacks on a server on loopback need no key to work against a keyless one:
 * - DNS rebinding: a page at `rebind.attacker.example:PORT` re-resolves its own name to
 *   127.0.0.1 and is then same-origin with the API. Only the `Host` header gives it away.
 * - "Simple" cross-site requests: a page may POST `text/plain` (even with `mode: 'no-cors'`)
 *   to any address without a preflight. The browser labels it with `Origin` and `Sec-Fetch-Site`.
 */
export interface RequestOriginPolicy {
  /** The address `serve` listens on (`--host`); a wildcard (`0.0.0.0`, `::`) admits every IP literal. */
  listenHost?: string | undefined;
  /** More names the server answers to (`--allowed-host`), e.g. behind a reverse proxy. */
  allowedHosts?: readonly string[] | undefined;
  /** Origins allowed to call the API from a browser (`--cors`); `*` allows every origin. */
  corsOrigins?: readonly string[] | undefined;
}

const wildcardAddresses = new Set(['0.0.0.0', '::', '[::]', '']);

/** `Host: Example.COM.:8080` → `example.com`; `[::1]:80` → `[::1]`; undefined when unparsable. */
export function hostName(host: string): string | undefined {
  try {
    const { hostname } = new URL(`http://${host}`);
    return hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

function unbracketed(name: string): string {
  return name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
}

/** Names no DNS answer can point elsewhere: loopback addresses and `localhost` (with its subdomains, RFC 6761). */
function isLoopbackName(name: string): boolean {
  const bare = unbracketed(name);
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/**
 * The rule for `Host`: loopback names, the address listened on, names given with
 * `--allowed-host`; on a wildcard address any IP literal too (a name is what rebinding needs,
 * an address cannot be rebound).
 */
export function hostIsAllowed(host: string | undefined, policy: RequestOriginPolicy): boolean {
  if (host === undefined) return false;
  const name = hostName(host);
  if (name === undefined) return false;
  if (isLoopbackName(name)) return true;
  const listen = policy.listenHost === undefined ? undefined : hostName(policy.listenHost);
  if (policy.listenHost !== undefined && wildcardAddresses.has(policy.listenHost.trim())) {
    if (isIP(unbracketed(name)) !== 0) return true;
  } else if (listen !== undefined && listen === name) {
    return true;
  }
  return (policy.allowedHosts ?? []).some((allowed) => hostName(allowed) === name);
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether `--cors` lets a page at `origin` call the API. */
export function corsAllows(origin: string, corsOrigins: readonly string[] | undefined): boolean {
  return (corsOrigins ?? []).some((allowed) => allowed === '*' || allowed === origin);
}

/**
 * The rule for state-changing requests (every method but GET, HEAD and OPTIONS): a browser
 * request must come from this server's own origin or one `--cors` allows. Requests without
 * `Origin` or `Sec-Fetch-Site` (curl, SDKs) are not a browser's and pass.
 */
export function crossSiteReason(
  request: { method: string; host: string | undefined; origin: string | undefined; fetchSite: string | undefined },
  corsOrigins: readonly string[] | undefined,
): string | undefined {
  if (safeMethods.has(request.method)) return undefined;
  const { origin, fetchSite } = request;
  if (origin !== undefined) {
    if (corsAllows(origin, corsOrigins)) return undefined;
    const sameOrigin = origin !== 'null' && request.host !== undefined && hostOf(origin) === request.host.toLowerCase();
    if (sameOrigin) return undefined;
    return `a page at ${origin} may not call this API (allow it with --cors)`;
  }
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return `a ${fetchSite} page may not call this API (allow its origin with --cors)`;
  }
  return undefined;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The Host gate, first on every route (the web UI and /healthz too): 421 HOST_NOT_ALLOWED. */
export function hostGate(policy: RequestOriginPolicy): MiddlewareHandler {
  return async (context, next) => {
    const host = context.req.header('host');
    if (!hostIsAllowed(host, policy)) {
      throw new GemmaRagError(
        errorCodes.hostNotAllowed,
        `This server does not answer to the host name "${host ?? ''}": use its address, or start it with --allowed-host for that name.`,
        { data: { host: host ?? null } },
      );
    }
    await next();
  };
}

/** The Origin gate on /api and /v1: 403 CROSS_ORIGIN_REFUSED. */
export function crossSiteGate(policy: RequestOriginPolicy): MiddlewareHandler {
  return async (context, next) => {
    const reason = crossSiteReason(
      {
        method: context.req.method,
        host: context.req.header('host'),
        origin: context.req.header('origin'),
        fetchSite: context.req.header('sec-fetch-site'),
      },
      policy.corsOrigins,
    );
    if (reason !== undefined) {
      throw new GemmaRagError(errorCodes.crossOriginRefused, `Refused: ${reason}.`, {
        data: { origin: context.req.header('origin') ?? null },
      });
    }
    await next();
  };
}
