import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../../../spec/errors.js';
import { documentLoaders } from '../loader-registry.js';
import type { ParseReply, ParseRequest } from './parser-messages.js';

/**
 * The worker side of `IsolatedParser`: runs the loader a request names, one request at a time
 * (the parent sends the next only after a reply). Its heap is capped by the parent's
 * resourceLimits, and the parent terminates it at its deadline, even in the middle of
 * synchronous parsing.
 */
const port = parentPort;
if (!port) throw new Error('parser-worker.ts runs as a worker thread, not on its own.');

port.on('message', async ({ id, format, input }: ParseRequest) => {
  let reply: ParseReply;
  try {
    const loader = documentLoaders.find((candidate) => candidate.format === format);
    if (!loader) throw new Error(`no ${format} loader`);
    reply = { id, result: await loader.load(input) };
  } catch (error) {
    reply = { id, failure: errorMessage(error) };
  }
  port.postMessage(reply);
});
