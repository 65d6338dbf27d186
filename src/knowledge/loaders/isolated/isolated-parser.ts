import { Worker } from 'node:worker_threads';
import type { DocumentLoader, LoaderInput, LoadResult } from '../../../spec/document-loader.js';
import { errorMessage } from '../../../spec/errors.js';
import type { ParseLimits } from '../parse-limits.js';
import type { ParseReply, ParseRequest } from './parser-messages.js';

const runningFromSource = import.meta.url.endsWith('.ts');
const workerFile = new URL(runningFromSource ? './parser-worker.ts' : './parser-worker.js', import.meta.url);

/**
 * The worker's entry. Built, it is the .js file; from source (tests, `tsx`), a worker thread
 * does not inherit the parent's `--import tsx` hooks on Node 20, so a one-line module
 * registers them first.
 */
function workerEntry(): URL {
  if (!runningFromSource) return workerFile;
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(workerFile.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

/**
 * Runs PDF and Office loaders in a worker thread, so a hostile file costs a bounded amount and
 * never stalls the caller: pdf.js and mammoth parse synchronously for long stretches, which
 * would freeze a server's event loop (no timer in the same thread can fire), and may allocate
 * gigabytes. The worker's heap is capped (`maxMemoryMb`) and it is terminated at the deadline
 * (`timeoutMs`); either way the file is skipped with the reason and the next file gets a fresh
 * worker. A worker is reused while files parse normally and ended by `close()`.
 */
export class IsolatedParser {
  #worker: Worker | undefined;
  #nextId = 1;

  constructor(private readonly limits: ParseLimits) {}

  /** The loader's result, or the reason the file could not be parsed within the limits. */
  async parse(loader: DocumentLoader, input: LoaderInput): Promise<LoadResult | { problem: string }> {
    const worker = this.#workerForNextFile();
    const request: ParseRequest = { id: this.#nextId++, format: loader.format, input };
    worker.ref();
    try {
      return await new Promise<LoadResult | { problem: string }>((resolve) => {
        const finish = (outcome: LoadResult | { problem: string }, stop: boolean) => {
          clearTimeout(deadline);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          if (stop) this.#discard(worker);
          resolve(outcome);
        };
        const onMessage = (reply: ParseReply) => {
          if (reply.id !== request.id) return;
          if ('failure' in reply) finish({ problem: `${loader.format} loader failed: ${reply.failure}` }, false);
          else finish(reply.result, false);
        };
        const onError = (error: Error) => {
          const outOfMemory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
          finish(
            {
              problem: outOfMemory
                ? `parsing needed more than ${this.limits.maxMemoryMb} MiB of memory, so it was stopped (a decompression bomb, or raise --parse-memory)`
                : `${loader.format} parser failed: ${errorMessage(error)}`,
            },
            true,
          );
        };
        const onExit = (code: number) =>
          finish({ problem: `${loader.format} parser stopped unexpectedly (exit code ${code})` }, true);
        const deadline = setTimeout(
          () =>
            finish(
              {
                problem: `parsing took longer than ${formatSeconds(this.limits.timeoutMs)}, so it was stopped (a decompression bomb, or raise --parse-timeout)`,
              },
              true,
            ),
          this.limits.timeoutMs,
        );
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.postMessage(request);
      });
    } finally {
      // An idle worker must not keep a finished command alive.
      this.#worker?.unref();
    }
  }

  /** Ends the worker; the next parse would start a new one. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #workerForNextFile(): Worker {
    this.#worker ??= new Worker(workerEntry(), {
      resourceLimits: { maxOldGenerationSizeMb: this.limits.maxMemoryMb, maxYoungGenerationSizeMb: 64 },
      stdout: false,
      stderr: false,
    });
    return this.#worker;
  }

  #discard(worker: Worker): void {
    if (this.#worker === worker) this.#worker = undefined;
    // terminate() stops JavaScript even in the middle of a synchronous loop.
    void worker.terminate().catch(() => undefined);
  }
}

function formatSeconds(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000} s` : `${(milliseconds / 1000).toFixed(1)} s`;
}
