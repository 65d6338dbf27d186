import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { CliIo } from '../../src/cli/cli-io.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { reportError } from '../../src/cli/report-error.js';
import { errorJsonSchema } from '../../src/presentation/error-json.js';
import { httpStatusFor } from '../../src/server/http-status.js';
import { errorCodes } from '../../src/spec/errors.js';
import { runCli } from '../fixtures/run-cli.js';
import { parseServerSentEvents, startTestServer, type TestServer } from '../fixtures/test-server.js';

// One error shape everywhere a program reads errors: `{ error: { code, message, data } }`,
// codes from the catalogue (src/spec/errors.ts) only, nothing else in the object.
let server: TestServer;
let generating: TestServer;

before(async () => {
  server = await startTestServer({ limits: { maxBodyBytes: 4096 } });
  // Answers need a generation model that is not there: the stream fails after retrieval.
  generating = await startTestServer({
    config: { engine: 'lexical', generationModel: '/nowhere/model.gguf', categoryThreshold: -1, documentThreshold: -1 },
    generate: true,
  });
});
after(async () => {
  await server?.close();
  await generating?.close();
});

function assertShape(body: unknown, code: string, where: string): void {
  const parsed = errorJsonSchema.safeParse(body);
  assert.ok(parsed.success, `${where}: ${JSON.stringify(body)} — ${parsed.success ? '' : parsed.error.message}`);
  assert.equal(parsed.data.error.code, code, where);
}

test('every code in the catalogue has one exit code and one HTTP status', () => {
  for (const code of Object.values(errorCodes)) {
    assert.ok(Number.isInteger(exitCodeFor(code)), code);
    assert.ok(httpStatusFor(code) >= 400, code);
  }
});

test('CLI --json errors have the one shape', async () => {
  const cases: Array<[string[], string]> = [
    [['embed', 'x', '--engine', 'lexical', '--dimensions', '9999', '--json'], errorCodes.invalidDimensions],
    [['embed', 'x', '--engine', 'lexical', '--prompt-name', 'Nope', '--json'], errorCodes.unknownPrompt],
    [['ask', 'x', '--engine', 'lexical', '--db', '/nowhere/kb.db', '--json'], errorCodes.invalidKnowledgeBase],
    [['ask', 'x', '--embedding-model', '/nowhere/model.gguf', '--json'], errorCodes.modelNotFound],
  ];
  for (const [argv, code] of cases) {
    const run = await runCli(argv);
    assert.equal(run.exitCode, exitCodeFor(code as never), argv.join(' '));
    assertShape(run.json(), code, argv.join(' '));
  }
});

test('an unexpected failure in the CLI is INTERNAL in the same shape, not a bare message', () => {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const io: CliIo = { stdout, stderr: new PassThrough(), stdin: Readable.from([]), environment: {} };
  assert.equal(reportError(io, new TypeError('boom'), true), 1);
  assertShape(JSON.parse(text), errorCodes.internal, 'INTERNAL');
});

test('HTTP errors have the one shape, including unknown routes', async () => {
  const cases: Array<[string, RequestInit, string]> = [
    ['/nothing/here', {}, errorCodes.notFound],
    ['/api/documents/999999', {}, errorCodes.notFound],
    ['/api/documents/abc', {}, errorCodes.invalidArgument],
    ['/api/ask', { method: 'POST', body: '{"question": ' }, errorCodes.invalidArgument],
    ['/api/ask', { method: 'POST', body: JSON.stringify({ question: 'x'.repeat(8000) }) }, errorCodes.payloadTooLarge],
    [
      '/v1/embeddings',
      { method: 'POST', body: JSON.stringify({ input: 'x', prompt_name: 'Nope' }) },
      errorCodes.unknownPrompt,
    ],
  ];
  for (const [path, init, code] of cases) {
    const response = await fetch(`${server.url}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.status, httpStatusFor(code as never), path);
    assertShape(await response.json(), code, path);
  }
});

test('an error inside an answer stream is an `error` event with the same shape', async () => {
  const response = await fetch(`${generating.url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: 'How do I reset my password?', stream: true }),
  });
  const events = parseServerSentEvents(await response.text());
  const error = events.find((event) => event.event === 'error');
  assert.ok(error, `no error event in ${events.map((event) => event.event).join(', ')}`);
  assertShape(JSON.parse(error.data), errorCodes.modelNotFound, 'SSE');
});
