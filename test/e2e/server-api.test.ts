import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import type { AskJson } from '../../src/presentation/ask-json.js';
import { parseServerSentEvents, startTestServer, type TestServer } from '../fixtures/test-server.js';
import { type TinyModelPaths, writeTinyModels } from '../fixtures/tiny-models.js';

const norm = (vector: readonly number[]) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
let lexical: TestServer;
let tiny: TestServer;
let paths: TinyModelPaths;

before(async () => {
  paths = await writeTinyModels();
  lexical = await startTestServer({ app: { apiKey: 'secret' }, limits: { maxBodyBytes: 64 * 1024, maxInputs: 8 } });
  tiny = await startTestServer({
    config: {
      engine: 'llama-cpp',
      embeddingModel: paths.embedding,
      generationModel: paths.generator,
      threads: 1,
      gpu: false,
      categoryThreshold: -1,
      documentThreshold: -1,
    },
    generate: true,
  });
});

after(async () => {
  await lexical?.close();
  await tiny?.close();
  if (paths) await rm(paths.directory, { recursive: true, force: true });
});

const authorized = { authorization: 'Bearer secret', 'content-type': 'application/json' };

for (const [name, server, key, dimensions] of [
  ['lexical', () => lexical, 'secret', 768],
  ['tiny GGUF on llama-cpp', () => tiny, 'unused', 64],
] as const) {
  test(`the official openai client gets embeddings (float, base64, dimensions) — ${name}`, async () => {
    const client = new OpenAI({ baseURL: `${server().url}/v1`, apiKey: key, maxRetries: 0 });
    const floats = await client.embeddings.create({
      model: 'embeddinggemma',
      input: ['如何重置密码？', 'reset my password'],
      encoding_format: 'float',
    });
    assert.equal(floats.data.length, 2);
    for (const item of floats.data) {
      assert.equal(item.embedding.length, dimensions);
      assert.ok(Math.abs(norm(item.embedding) - 1) < 1e-4);
    }
    // Without encoding_format the client asks for base64 and decodes it itself.
    const implicit = await client.embeddings.create({ model: 'embeddinggemma', input: 'reset my password' });
    const decoded = implicit.data[0]?.embedding ?? [];
    assert.equal(decoded.length, dimensions);
    (floats.data[1]?.embedding ?? []).forEach((value, index) => {
      assert.ok(Math.abs(value - (decoded[index] ?? 0)) < 1e-6);
    });
    // Asked for explicitly, base64 comes back as a string of little-endian float32 values.
    const explicit = await client.embeddings.create({
      model: 'embeddinggemma',
      input: 'reset my password',
      encoding_format: 'base64',
    });
    const bytes = Buffer.from(explicit.data[0]?.embedding as unknown as string, 'base64');
    assert.deepEqual(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)), decoded);
    const truncated = await client.embeddings.create({
      model: 'embeddinggemma',
      input: 'reset my password',
      dimensions: 32,
    });
    assert.equal(truncated.data[0]?.embedding.length, 32);
    assert.ok(Math.abs(norm(truncated.data[0]?.embedding ?? []) - 1) < 1e-4);
    const models = await client.models.list();
    assert.equal(models.data.length, 1);
  });

  test(`the official ollama client gets embeddings — ${name}`, async () => {
    const client = new Ollama({ host: server().url, headers: { authorization: `Bearer ${key}` } });
    const response = await client.embed({ model: 'embeddinggemma', input: ['年假有几天？', 'annual leave'] });
    assert.equal(response.embeddings.length, 2);
    for (const vector of response.embeddings) {
      assert.equal(vector.length, dimensions);
      assert.ok(Math.abs(norm(vector) - 1) < 1e-4);
    }
    const short = await client.embed({ model: 'embeddinggemma', input: 'annual leave', dimensions: 16 });
    assert.equal(short.embeddings[0]?.length, 16);
  });
}

test('no prompt unless asked; prompt_name applies the EmbeddingGemma prompt', async () => {
  const post = async (body: object) => {
    const response = await fetch(`${tiny.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return ((await response.json()) as { data: Array<{ embedding: number[] }> }).data[0]?.embedding ?? [];
  };
  const plain = await post({ input: 'hello world' });
  const withPrefix = await post({ input: 'task: search result | query: hello world' });
  const named = await post({ input: 'hello world', prompt_name: 'query' });
  assert.notDeepEqual(plain, named);
  assert.deepEqual(named, withPrefix);
  const unknown = await fetch(`${tiny.url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: 'x', prompt_name: 'Nope' }),
  });
  assert.equal(unknown.status, 400);
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'UNKNOWN_PROMPT');
});

test('SSE: stages, then tokens, then the result — generated on the tiny Gemma 3', async () => {
  const response = await fetch(`${tiny.url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: 'hello world', stream: true, maxTokens: 6 }),
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  const events = parseServerSentEvents(await response.text());
  assert.equal(events[0]?.event, 'retrieval');
  const tokens = events.filter((event) => event.event === 'token');
  assert.ok(tokens.length >= 2, 'tokens were not streamed one by one');
  const result = JSON.parse(events.at(-1)?.data ?? '{}') as AskJson;
  assert.equal(events.at(-1)?.event, 'result');
  const streamed = tokens
    .map((event) => (JSON.parse(event.data) as { text: string }).text)
    .join('')
    .trim();
  assert.notEqual(result.refusedBy, 'gate', 'the model was asked');
  if (result.refusedBy === 'grounding') {
    // Random weights may write digits the document does not hold: the streamed answer is then
    // withdrawn, and the result carries our reply and the values, citing nothing.
    assert.ok(streamed.length > 0);
    assert.ok((result.ungrounded ?? []).length > 0);
    assert.deepEqual(result.citations, []);
    return;
  }
  assert.equal(result.refused, false);
  assert.equal(result.answer, streamed);
  assert.ok(result.citations.length >= 1);
});

test('SSE: a refusal streams the refusal and says so, without generating', async () => {
  const response = await fetch(`${lexical.url}/api/ask`, {
    method: 'POST',
    headers: authorized,
    body: JSON.stringify({ question: '今天天气怎么样？', stream: true }),
  });
  const events = parseServerSentEvents(await response.text());
  assert.deepEqual(
    events.map((event) => event.event),
    ['retrieval', 'token', 'result'],
  );
  assert.equal((JSON.parse(events[0]?.data ?? '{}') as { refused: boolean }).refused, true);
  const result = JSON.parse(events[2]?.data ?? '{}') as AskJson;
  assert.equal(result.refused, true);
  assert.equal(result.answer, '抱歉，知识库中没有找到能回答这个问题的文档。');
});

test('JSON ask and search, knowledge-base browsing, adding and deleting a document', async () => {
  const ask = (await (
    await fetch(`${lexical.url}/api/ask`, {
      method: 'POST',
      headers: authorized,
      body: JSON.stringify({ question: '如何重置密码？' }),
    })
  ).json()) as AskJson;
  assert.equal(ask.document?.title, '账户密码重置');
  const search = (await (
    await fetch(`${lexical.url}/api/search`, {
      method: 'POST',
      headers: authorized,
      body: JSON.stringify({ query: 'meeting room', mode: 'hybrid' }),
    })
  ).json()) as { results: Array<{ id: number; title: string }> };
  assert.equal(search.results[0]?.title, 'Booking meeting rooms');
  const kb = (await (await fetch(`${lexical.url}/api/kb`, { headers: authorized })).json()) as {
    categories: Array<{ name: string; documents: number; items: Array<{ id: number; title: string }> }>;
  };
  assert.equal(kb.categories.length, 4);
  const added = await fetch(`${lexical.url}/api/documents`, {
    method: 'POST',
    headers: authorized,
    body: JSON.stringify({
      category: 'IT 与信息安全 · IT & Security · IT・情報セキュリティ',
      title: 'VPN 使用说明',
      content: '在家办公时请先连接 VPN，再访问内网系统。',
    }),
  });
  assert.equal(added.status, 201);
  const { id } = (await added.json()) as { id: number };
  const answer = (await (
    await fetch(`${lexical.url}/api/ask`, {
      method: 'POST',
      headers: authorized,
      body: JSON.stringify({ question: '怎么连接 VPN？', mode: 'flat' }),
    })
  ).json()) as AskJson;
  assert.equal(answer.document?.title, 'VPN 使用说明');
  const document = (await (await fetch(`${lexical.url}/api/documents/${id}`, { headers: authorized })).json()) as {
    chunks: unknown[];
  };
  assert.equal(document.chunks.length, 1);
  assert.equal(
    (await fetch(`${lexical.url}/api/documents/${id}`, { method: 'DELETE', headers: authorized })).status,
    200,
  );
  assert.equal(
    (await fetch(`${lexical.url}/api/documents/${id}`, { method: 'DELETE', headers: authorized })).status,
    404,
  );
});

test('safety: API key, body limit, malformed JSON, bad fields, too many inputs, unknown routes — all JSON with codes', async () => {
  const code = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;
  const missingKey = await fetch(`${lexical.url}/api/kb`);
  assert.equal(missingKey.status, 401);
  assert.equal(await code(missingKey), 'UNAUTHORIZED');
  const wrongKey = await fetch(`${lexical.url}/v1/models`, { headers: { authorization: 'Bearer nope' } });
  assert.equal(wrongKey.status, 401);
  assert.equal((await fetch(`${lexical.url}/healthz`)).status, 200, 'health needs no key');
  assert.equal((await fetch(`${lexical.url}/`)).status, 200, 'the page itself needs no key');
  const huge = await fetch(`${lexical.url}/api/ask`, {
    method: 'POST',
    headers: authorized,
    body: JSON.stringify({ question: 'x'.repeat(100 * 1024) }),
  });
  assert.equal(huge.status, 413);
  assert.equal(await code(huge), 'PAYLOAD_TOO_LARGE');
  const malformed = await fetch(`${lexical.url}/api/ask`, {
    method: 'POST',
    headers: authorized,
    body: '{"question": ',
  });
  assert.equal(malformed.status, 400);
  assert.equal(await code(malformed), 'INVALID_ARGUMENT');
  const empty = await fetch(`${lexical.url}/api/ask`, {
    method: 'POST',
    headers: authorized,
    body: JSON.stringify({ question: '  ' }),
  });
  assert.equal(empty.status, 400);
  assert.match(((await empty.json()) as { error: { message: string } }).error.message, /question/);
  const tooMany = await fetch(`${lexical.url}/v1/embeddings`, {
    method: 'POST',
    headers: authorized,
    body: JSON.stringify({ input: Array(9).fill('x') }),
  });
  assert.equal(tooMany.status, 400);
  const badDimensions = await fetch(`${lexical.url}/v1/embeddings`, {
    method: 'POST',
    headers: authorized,
    body: JSON.stringify({ input: 'x', dimensions: 1000 }),
  });
  assert.equal(await code(badDimensions), 'INVALID_DIMENSIONS');
  const unknown = await fetch(`${lexical.url}/api/nothing`, { headers: authorized });
  assert.equal(unknown.status, 404);
  assert.equal(await code(unknown), 'NOT_FOUND');
  assert.equal(unknown.headers.get('access-control-allow-origin'), null, 'CORS is off unless configured');
});

test('50 concurrent clients: zero errors, every answer right', async () => {
  const questions = [
    '如何重置密码？',
    'How do I book a meeting room?',
    '経費精算の締め切りはいつですか',
    '今天天气怎么样？',
  ];
  const expected = ['账户密码重置', 'Booking meeting rooms', '経費精算の締め切り', null];
  const responses = await Promise.all(
    Array.from({ length: 50 }, async (_, client) => {
      const question = questions[client % questions.length] as string;
      const response = await fetch(`${lexical.url}/api/ask`, {
        method: 'POST',
        headers: authorized,
        body: JSON.stringify({ question }),
      });
      return { client, status: response.status, body: (await response.json()) as AskJson };
    }),
  );
  for (const { client, status, body } of responses) {
    assert.equal(status, 200, `client ${client}`);
    assert.equal(body.document?.title ?? null, expected[client % questions.length]);
  }
});
