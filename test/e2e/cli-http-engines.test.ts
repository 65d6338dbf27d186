import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { AskJson } from '../../src/presentation/ask-json.js';
import { FakeModelServer } from '../fixtures/fake-model-server.js';
import { runCli } from '../fixtures/run-cli.js';

// The CLI on the HTTP engines, against a local server speaking Ollama's and OpenAI's APIs.
let server: FakeModelServer;
before(async () => {
  server = await FakeModelServer.start({ apiKey: 'engine-key', replyFor: () => '请访问自助服务门户重置密码。' });
});
after(async () => {
  await server?.close();
});

for (const engine of ['ollama', 'openai-compatible'] as const) {
  test(`ask --engine ${engine}: embeddings and the streamed answer come from the server`, async () => {
    const run = await runCli([
      'ask',
      '如何重置密码？',
      '--engine',
      engine,
      '--base-url',
      server.baseUrl,
      '--api-key',
      'engine-key',
      ...(engine === 'openai-compatible'
        ? ['--embedding-model', 'embeddinggemma', '--generation-model', 'gemma3:4b']
        : []),
      '--threshold',
      '-1',
      // The stand-in server's vectors are not EmbeddingGemma's: the support gate's scale does not apply.
      '--support-threshold',
      'off',
      '--json',
    ]);
    assert.equal(run.exitCode, 0, run.stderr);
    const output = run.json() as unknown as AskJson;
    assert.equal(output.engine, engine);
    assert.equal(output.refused, false);
    assert.equal(output.answer, '请访问自助服务门户重置密码。');
    assert.ok(server.embeddingInputs().some((input) => input === 'task: search result | query: 如何重置密码？'));
  });
}

/** A loopback port with nothing listening: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

test('an unreachable model server is a clear error with its own exit code (6)', async () => {
  const port = await closedPort();
  const run = await runCli(['embed', 'hello', '--engine', 'ollama', '--base-url', `http://127.0.0.1:${port}`]);
  assert.equal(run.exitCode, 6);
  assert.match(run.stderr, new RegExp(`Cannot reach .*127\\.0\\.0\\.1:${port}`));
  assert.match(run.stderr, /ollama serve/);
});

test('a bad --base-url is bad usage (2)', async () => {
  const run = await runCli(['embed', 'hello', '--engine', 'ollama', '--base-url', 'not a url']);
  assert.equal(run.exitCode, 2);
  assert.match(run.stderr, /baseUrl/);
});
