import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SSEStreamingApi } from 'hono/streaming';
import type { AskResult } from '../app/rag.js';
import { AskEvents } from './ask-events.js';

test('a retracted answer reaches the client as a retract event between the two answers, in order, early events too', async () => {
  const events = new AskEvents();
  const written: Array<{ event?: string; data: string }> = [];
  const sse = {
    async writeSSE(message: { event?: string; data: string }) {
      written.push(message);
    },
  } as unknown as SSEStreamingApi;
  let finish: (result: AskResult) => void = () => {};
  const running = new Promise<AskResult>((resolve) => {
    finish = resolve;
  });
  events.text('QUOKKA');
  events.retract();
  const piping = events.pipeTo(sse, running, () => ({ answer: 'On floor 3.' }));
  await new Promise((resolve) => setImmediate(resolve));
  events.text('On floor 3.');
  finish({} as AskResult);
  await piping;
  assert.deepEqual(
    written.map(({ event, data }) => `${event} ${data}`),
    ['token {"text":"QUOKKA"}', 'retract {}', 'token {"text":"On floor 3."}', 'result {"answer":"On floor 3."}'],
  );
});
