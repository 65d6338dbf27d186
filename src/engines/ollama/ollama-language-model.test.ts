import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeModelServer } from '../../../test/fixtures/fake-model-server.js';
import { type ErrorCode, errorCodes, GemmaRagError } from '../../spec/errors.js';
import type { LanguageModel } from '../../spec/language-model.js';
import { unreachableErrorCode } from '../http/http-errors.js';
import { languageModelContract } from '../language-model.contract.js';
import { OllamaLanguageModel } from './ollama-language-model.js';

let server: FakeModelServer;

before(async () => {
  server = await FakeModelServer.start({ chunkDelayMs: 1 });
});

after(async () => {
  await server?.close();
});

languageModelContract('ollama', {
  create: async () => {
    server.reset();
    return new OllamaLanguageModel({ baseUrl: server.baseUrl });
  },
  receivedMessages: () => server.lastChatMessages(),
});

async function answer(model: LanguageModel, question = 'Hello?'): Promise<string> {
  let text = '';
  for await (const chunk of model.generate({ messages: [{ role: 'user', content: question }] })) text += chunk;
  return text;
}

async function assertFails(run: () => Promise<unknown>, code: ErrorCode, pattern: RegExp) {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(GemmaRagError.isInstance(error), `not a GemmaRagError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

test('sends a streaming chat with the system role, num_predict, temperature and num_ctx', async () => {
  server.reset();
  const model = new OllamaLanguageModel({ baseUrl: server.baseUrl, keepAlive: '1m' });
  const chunks: string[] = [];
  for await (const chunk of model.generate({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ],
    maxTokens: 32,
    temperature: 0.2,
  })) {
    chunks.push(chunk);
  }
  assert.equal(chunks.join(''), '[system] Be brief. [user] Hi');
  assert.ok(chunks.length > 1, 'streamed in pieces');
  assert.deepEqual(server.requests.at(-1)?.body, {
    model: 'gemma3:4b',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ],
    stream: true,
    options: { num_predict: 32, temperature: 0.2, num_ctx: 8192 },
    keep_alive: '1m',
  });
});

test('defaults: 256 tokens, greedy', async () => {
  server.reset();
  await answer(new OllamaLanguageModel({ baseUrl: server.baseUrl }));
  const body = server.requests.at(-1)?.body as { options: Record<string, number> };
  assert.deepEqual(body.options, { num_predict: 256, temperature: 0, num_ctx: 8192 });
});

test('a stream cut into 1-byte writes keeps every multi-byte character intact', async () => {
  const sliced = await FakeModelServer.start({ byteSliceSize: 1, charactersPerChunk: 3 });
  try {
    const question = '東京の天気は？ 😀 café';
    assert.equal(await answer(new OllamaLanguageModel({ baseUrl: sliced.baseUrl }), question), `[user] ${question}`);
  } finally {
    await sliced.close();
  }
});

test('failures: unknown model, unreachable, error in the stream, dropped or unfinished stream', async () => {
  server.reset();
  const model = new OllamaLanguageModel({ baseUrl: server.baseUrl });
  await assertFails(
    () => answer(new OllamaLanguageModel({ baseUrl: server.baseUrl, model: 'gemma4:e4b' })),
    errorCodes.modelNotFound,
    /ollama pull gemma4:e4b/,
  );
  const closed = await FakeModelServer.start();
  await closed.close();
  await assertFails(
    () => answer(new OllamaLanguageModel({ baseUrl: closed.baseUrl })),
    unreachableErrorCode,
    /ollama serve/,
  );
  server.fail('/api/chat', { kind: 'stream-error', message: 'model runner crashed' }, 1);
  await assertFails(() => answer(model), errorCodes.engineFailure, /failed while answering: model runner crashed/);
  server.fail('/api/chat', { kind: 'drop-mid-stream' }, 1);
  await assertFails(() => answer(model), errorCodes.engineFailure, /Ollama/);
  server.fail('/api/chat', { kind: 'status', status: 500, body: '{"error":"out of memory"}' }, 1);
  await assertFails(() => answer(model), errorCodes.engineFailure, /500.*out of memory/);
});

test('a stalled stream times out; stopping early releases the request', async () => {
  server.reset();
  server.fail('/api/chat', { kind: 'stall-mid-stream' }, 1);
  const slow = new OllamaLanguageModel({ baseUrl: server.baseUrl, timeoutMs: 150 });
  await assertFails(() => answer(slow), errorCodes.engineFailure, /sent nothing for 0.15 s/);
  server.fail('/api/chat', { kind: 'stall-mid-stream' }, 1);
  for await (const _chunk of slow.generate({ messages: [{ role: 'user', content: 'Hi' }] })) break;
});
