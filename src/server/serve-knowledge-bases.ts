import type { Rag } from '../app/rag.js';
import { type AppOptions, createApp } from './create-app.js';
import type { ServedKnowledgeBase, ServerLimits } from './server-context.js';
import { type RunningServer, startServer } from './start-server.js';
import { WorkQueue } from './work-queue.js';

// What `serve` needs to describe a server, from the module that starts one.
export { defaultLimits, type ServedKnowledgeBase, type ServerLimits } from './server-context.js';

export interface ServeOptions extends AppOptions {
  rag: Rag;
  knowledgeBases: readonly ServedKnowledgeBase[];
  /** false: answers are the matching text itself (as `ask --no-generate`). */
  generate: boolean;
  limits: ServerLimits;
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface Serving extends RunningServer {
  /** Runs engine work beside the server's own (a folder watch's writes), never at the same time. */
  exclusive<Result>(work: () => Promise<Result>): Promise<Result>;
}

/** The server's front door: the app over these knowledge bases, listening, with one engine queue. */
export async function serveKnowledgeBases(options: ServeOptions): Promise<Serving> {
  const { rag, knowledgeBases, generate, limits, host, port, ...app } = options;
  // Native engines run one job at a time; the queue bounds what waits behind them.
  const queue = new WorkQueue(1, 64);
  const running = await startServer(
    createApp({ rag, knowledgeBases, generate, queue, limits }, { ...app, listenHost: host }),
    { host, port },
  );
  return { ...running, exclusive: (work) => queue.run(work) };
}
