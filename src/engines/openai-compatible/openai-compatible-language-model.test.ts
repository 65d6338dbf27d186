import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeModelServer } from '../../../test/fixtures/fake-model-server.js';
import { type ErrorCode, errorCodes, GemmaRagError } from '../../spec/errors.js';
import type { LanguageModel } from '../../spec/language-model.js';
import { languageModelContract } from '../language-model.contract.js';
import { OpenAiCompatibleLanguageModel } from './openai-compatible-language-model.js';

let server: FakeModelServer;

before(async () => {
  server = await FakeModelServer.start({ chunkDelayMs: 1 });
});

after(async () => {
  await server?.close();
});

const create = (options: Parameters<typeof OpenAiCompatibleLanguageModel.create>[0] = {}) =>
  OpenAiCompatibleLanguageModel.create({ baseUrl: server.baseUrl, model: 'gemma3:4b', ...options });

languageModelContract('openai-compatible', {
  create: async () => {
    server.reset();
    return create();
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

test('sends a streaming chat completion with max_tokens, temperature and the system role', async () => {
  server.reset();
  const model = await create({ apiKey: 'k' });
  let text = '';
  for await (const chunk of model.generate({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ],
    maxTokens: 20,
  })) {
    text += chunk;
  }
  assert.equal(text, '[system] Be brief. [user] Hi');
  const last = server.requests.at(-1);
  assert.equal(last?.path, '/v1/chat/completions');
  assert.equal(last?.headers.authorization, 'Bearer k');
  assert.deepEqual(last?.body, {
    model: 'gemma3:4b',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ],
    stream: true,
    max_tokens: 20,
    temperature: 0,
  });
});

test('server-sent events cut into 1-byte writes keep every multi-byte character intact', async () => {
  const sliced = await FakeModelServer.start({ byteSliceSize: 1, charactersPerChunk: 2 });
  try {
    const model = await OpenAiCompatibleLanguageModel.create({ baseUrl: `${sliced.baseUrl}/v1`, model: 'gemma3:4b' });
    const question = 'Ünïcödé 東京 😀?';
    assert.equal(await answer(model, question), `[user] ${question}`);
  } finally {
    await sliced.close();
  }
});

test('failures: unknown model, error event in the stream, dropped stream, HTTP error', async () => {
  const missing = await create({ model: 'gpt-nothing' });
  await assertFails(() => answer(missing), errorCodes.modelNotFound, /gpt-nothing/);
  const model = await create();
  server.fail('/v1/chat/completions', { kind: 'stream-error', message: 'context overflow' }, 1);
  await assertFails(() => answer(model), errorCodes.engineFailure, /failed while answering: context overflow/);
  server.fail('/v1/chat/completions', { kind: 'drop-mid-stream' }, 1);
  await assertFails(() => answer(model), errorCodes.engineFailure, /OpenAI-compatible server/);
  server.fail(
    '/v1/chat/completions',
    { kind: 'status', status: 503, body: '{"error":{"message":"Loading model"}}' },
    1,
  );
  await assertFails(() => answer(model), errorCodes.engineFailure, /503.*Loading model/);
});
