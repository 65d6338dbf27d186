import { errorCodes, GemmaRagError } from '../spec/errors.js';

/**
 * Runs engine work at most `concurrency` at a time and refuses new work beyond
 * `maxWaiting` queued jobs: memory stays bounded however many clients call, and callers
 * get a clear 503 instead of an ever-growing queue. Other routes are never blocked: only
 * the promises of queued jobs wait.
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  get pending(): number {
    return this.running + this.waiting.length;
  }

  async run<Result>(job: () => Promise<Result>): Promise<Result> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new GemmaRagError(
          errorCodes.overloaded,
          `The server is busy (${this.waiting.length} requests waiting); try again shortly.`,
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
