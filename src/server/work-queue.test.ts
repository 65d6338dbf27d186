import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCodes } from '../spec/errors.js';
import { WorkQueue } from './work-queue.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
};

test('runs at most `concurrency` jobs at once, in arrival order', async () => {
  const queue = new WorkQueue(1, 10);
  const order: string[] = [];
  const gate = deferred();
  const first = queue.run(async () => {
    order.push('first started');
    await gate.promise;
    order.push('first done');
  });
  const second = queue.run(async () => {
    order.push('second started');
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, ['first started']);
  assert.equal(queue.pending, 2);
  gate.resolve();
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first started', 'first done', 'second started']);
  assert.equal(queue.pending, 0);
});

test('refuses work beyond the waiting limit with OVERLOADED, and recovers', async () => {
  const queue = new WorkQueue(1, 1);
  const gate = deferred();
  const running = queue.run(() => gate.promise);
  const waiting = queue.run(async () => 'waited');
  await assert.rejects(
    queue.run(async () => 'too many'),
    { code: errorCodes.overloaded },
  );
  gate.resolve();
  await running;
  assert.equal(await waiting, 'waited');
  assert.equal(await queue.run(async () => 'again'), 'again');
});

test('a failing job frees its slot', async () => {
  const queue = new WorkQueue(1, 1);
  await assert.rejects(
    queue.run(async () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(queue.pending, 0);
  assert.equal(await queue.run(async () => 1), 1);
});
