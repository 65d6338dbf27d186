import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { ServerEnv } from './knowledge-base-scope.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on `host:port` (port 0 picks a free one) and resolves once it accepts connections. */
export function startServer(app: Hono<ServerEnv>, options: { host: string; port: number }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Streams and keep-alive sockets would otherwise hold close() open.
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', (error) => reject(listenError(error, options)));
  });
}

/** Why the server cannot listen, in words that point at the flag to change. */
function listenError(error: unknown, { host, port }: { host: string; port: number }): GemmaRagError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'EADDRINUSE'
      ? `port ${port} is already in use (choose another with --port, or --port 0 for any free one)`
      : code === 'EACCES'
        ? `permission denied (ports below 1024 need administrator rights)`
        : code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL' || code === 'EAI_AGAIN'
          ? `${host} is not an address of this machine (check --host)`
          : error instanceof Error
            ? error.message
            : String(error);
  return new GemmaRagError(errorCodes.invalidArgument, `Cannot listen on ${host}:${port}: ${reason}.`, {
    data: { host, port, networkCode: code ?? null },
    cause: error,
  });
}
