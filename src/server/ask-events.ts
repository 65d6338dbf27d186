import type { SSEStreamingApi } from 'hono/streaming';
import type { AskOptions, AskResult } from '../app/rag.js';

type Stages = Parameters<NonNullable<AskOptions['onRetrieval']>>[0];
/** An event of the answer itself, kept in order until the stream opens. */
type AnswerEvent = { event: 'token' | 'retract'; data: string };

/**
 * The ask flow as server-sent events: `retrieval` (what was searched and found) as soon as
 * retrieval decides, a `token` per piece of the answer, `retract` when the tokens so far are no
 * answer (a second answer's tokens follow), then `result` (the `ask --json` body). Events
 * written before the stream opened are kept and sent first, in order.
 */
export class AskEvents {
  private stages: Stages | undefined;
  private readonly early: AnswerEvent[] = [];
  private sink: ((event: AnswerEvent) => void) | undefined;
  private signalRetrieved: (() => void) | undefined;
  private readonly retrievedOnce = new Promise<void>((resolve) => {
    this.signalRetrieved = resolve;
  });

  retrieved(stages: Stages): void {
    this.stages = stages;
    this.signalRetrieved?.();
  }

  text(text: string): void {
    this.emit({ event: 'token', data: JSON.stringify({ text }) });
  }

  /** The tokens sent so far are withdrawn; the answer starts again. */
  retract(): void {
    this.emit({ event: 'retract', data: '{}' });
  }

  private emit(event: AnswerEvent): void {
    if (this.sink) this.sink(event);
    else this.early.push(event);
  }

  /** Resolves when retrieval decided; rejects when the flow failed before that. */
  async untilRetrievedOrFailed(running: Promise<AskResult>): Promise<void> {
    await Promise.race([this.retrievedOnce, running]);
  }

  async pipeTo(
    sse: SSEStreamingApi,
    running: Promise<AskResult>,
    present: (result: AskResult) => unknown,
  ): Promise<void> {
    const stages = this.stages;
    if (stages) {
      const { retrieval, condensed } = stages;
      await sse.writeSSE({
        event: 'retrieval',
        data: JSON.stringify({
          condensed: condensed && { standalone: condensed.standalone, method: condensed.method },
          category: retrieval.category,
          document: retrieval.document,
          refused: retrieval.document === null,
        }),
      });
    }
    const writes: Promise<void>[] = [];
    const send = (event: AnswerEvent) => {
      writes.push(sse.writeSSE(event));
    };
    for (const event of this.early.splice(0)) send(event);
    this.sink = send;
    const result = await running.finally(() => Promise.all(writes));
    await Promise.all(writes);
    await sse.writeSSE({ event: 'result', data: JSON.stringify(present(result)) });
  }
}
