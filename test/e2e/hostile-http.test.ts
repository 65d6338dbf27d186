import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { createRag } from '../../src/app/rag.js';
import type { RagConfig } from '../../src/config.js';
import { errorJsonSchema } from '../../src/presentation/error-json.js';
import { createApp } from '../../src/server/create-app.js';
import { defaultLimits } from '../../src/server/server-context.js';
import { startServer } from '../../src/server/start-server.js';
import { WorkQueue } from '../../src/server/work-queue.js';
import { SqliteKnowledgeBase } from '../../src/stores/sqlite/sqlite-knowledge-base.js';
import { docxBomb, pdfBomb } from '../fixtures/bombs.js';
import { FakeModelServer } from '../fixtures/fake-model-server.js';
import { runCli } from '../fixtures/run-cli.js';
import { parseServerSentEvents, startTestServer } from '../fixtures/test-server.js';

// Hostile requests to every route, one row per request: each gets a 4xx JSON error in the
// one error shape, or a sane 2xx — never a 500, a stack trace, a hang or a dead server.
// Afterwards the knowledge base behind the server is intact and holds exactly the writes
// that were answered with success.

interface Served {
  url: string;
  db: string;
  close(): Promise<void>;
}

async function serveDatabase(db: string, config: RagConfig, generate: boolean): Promise<Served> {
  const rag = await createRag(config);
  const index = await rag.open(db);
  const app = createApp({
    rag,
    knowledgeBases: [{ name: 'kb', index, store: index.knowledge, keys: [] }],
    generate,
    queue: new WorkQueue(1, 64),
    limits: { ...defaultLimits, maxBodyBytes: 64 * 1024, maxInputs: 16 },
  });
  const server = await startServer(app, { host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    db,
    async close() {
      await server.close();
      await index.close();
      await rag.dispose();
    },
  };
}

interface HttpCase {
  name: string;
  method?: string;
  path: string;
  /** A string is sent as it is; anything else as JSON. */
  body?: unknown;
  status: number;
  code?: string;
  /** Send the path byte for byte (fetch would resolve `..`), and headers fetch would not send (Host). */
  raw?: boolean;
  /** Request headers; the default content type is application/json. */
  headers?: Record<string, string>;
  check?: (body: unknown) => void;
}

const json = (value: unknown) => JSON.stringify(value);
/** A row's request to one POST route. */
const postTo =
  (path: string) =>
  (body: unknown): Pick<HttpCase, 'method' | 'path' | 'body'> => ({ method: 'POST', path, body });
const ask = postTo('/api/ask');
const search = postTo('/api/search');
const embeddings = postTo('/v1/embeddings');
const ollama = postTo('/api/embed');
const create = postTo('/api/documents');
const invalid = { status: 400, code: 'INVALID_ARGUMENT' } as const;
const missing = { status: 404, code: 'NOT_FOUND' } as const;
const unsupported = { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' } as const;
const crossOrigin = { status: 403, code: 'CROSS_ORIGIN_REFUSED' } as const;
const rebound = { status: 421, code: 'HOST_NOT_ALLOWED' } as const;
const planted = json({ category: 'IT', title: 'VPN', content: 'The VPN password is hunter2.' });
const answered = (body: unknown) => assert.equal(typeof (body as { refused?: unknown }).refused, 'boolean');

const cases: HttpCase[] = [
  // health and the web UI
  { name: 'GET /healthz with junk in the query', path: '/healthz?x=<script>alert(1)</script>', status: 200 },
  { name: 'POST /healthz', method: 'POST', path: '/healthz', ...missing },
  { name: 'path traversal with ..', path: '/../../etc/passwd', raw: true, ...missing },
  { name: 'path traversal, percent-encoded', path: '/%2e%2e/%2e%2e/etc/passwd', raw: true, ...missing },
  { name: 'path traversal below a static file', path: '/app.js/../../package.json', raw: true, ...missing },
  { name: 'a NUL byte in the path', path: '/index.html%00.js', raw: true, ...missing },
  { name: 'DELETE /v1/models', method: 'DELETE', path: '/v1/models', ...missing },
  { name: 'PUT /api/ask', method: 'PUT', path: '/api/ask', body: json({ question: 'x' }), ...missing },
  // /v1/embeddings
  { name: 'embeddings: malformed JSON', ...embeddings('{"input": '), ...invalid },
  { name: 'embeddings: a JSON array body', ...embeddings('[1, 2]'), ...invalid },
  { name: 'embeddings: input is a number', ...embeddings(json({ input: 5 })), ...invalid },
  { name: 'embeddings: input is an empty list', ...embeddings(json({ input: [] })), ...invalid },
  { name: 'embeddings: input holds numbers', ...embeddings(json({ input: [1, 2] })), ...invalid },
  { name: 'embeddings: an empty string', ...embeddings(json({ input: ['fine', ''] })), ...invalid },
  { name: 'embeddings: 17 inputs (the limit is 16)', ...embeddings(json({ input: Array(17).fill('x') })), ...invalid },
  {
    name: 'embeddings: 3,000 words',
    ...embeddings(json({ input: 'word '.repeat(3000) })),
    status: 400,
    code: 'INPUT_TOO_LONG',
  },
  { name: 'embeddings: dimensions 0', ...embeddings(json({ input: 'x', dimensions: 0 })), ...invalid },
  {
    name: 'embeddings: dimensions 1,000,000',
    ...embeddings(json({ input: 'x', dimensions: 1_000_000 })),
    status: 400,
    code: 'INVALID_DIMENSIONS',
  },
  { name: 'embeddings: dimensions "x"', ...embeddings(json({ input: 'x', dimensions: 'x' })), ...invalid },
  { name: 'embeddings: encoding_format hex', ...embeddings(json({ input: 'x', encoding_format: 'hex' })), ...invalid },
  {
    name: 'embeddings: an unknown prompt name',
    ...embeddings(json({ input: 'x', prompt_name: 'Nope' })),
    status: 400,
    code: 'UNKNOWN_PROMPT',
  },
  {
    name: 'embeddings: prompt_name and prompt',
    ...embeddings(json({ input: 'x', prompt_name: 'query', prompt: 'p' })),
    ...invalid,
  },
  {
    name: 'embeddings: a 100 KB body',
    ...embeddings(json({ input: 'x'.repeat(100 * 1024) })),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'embeddings: JSON nested 60,000 deep',
    ...embeddings(`${'['.repeat(30_000)}${']'.repeat(30_000)}`),
    ...invalid,
  },
  {
    name: 'embeddings: control characters and a lone surrogate',
    ...embeddings(json({ input: ['bell \u0007 nul \u0000 esc \u001b[1m', 'half \ud800 pair'] })),
    status: 200,
    check: (body) => assert.equal((body as { data: unknown[] }).data.length, 2),
  },
  // /api/embed (Ollama's shape)
  { name: 'ollama embed: no input', ...ollama(json({ model: 'x' })), ...invalid },
  { name: 'ollama embed: truncate "yes"', ...ollama(json({ input: 'x', truncate: 'yes' })), ...invalid },
  { name: 'ollama embed: options is a string', ...ollama(json({ input: 'x', options: 'x' })), ...invalid },
  { name: 'ollama embed: an empty string', ...ollama(json({ input: '' })), ...invalid },
  // /api/ask
  { name: 'ask: an empty body', ...ask(''), ...invalid },
  { name: 'ask: question is a number', ...ask(json({ question: 5 })), ...invalid },
  { name: 'ask: question is null', ...ask(json({ question: null })), ...invalid },
  { name: 'ask: no question', ...ask(json({})), ...invalid },
  { name: 'ask: a whitespace question', ...ask(json({ question: ' \n\t ' })), ...invalid },
  { name: 'ask: an 8,001-character question', ...ask(json({ question: 'x'.repeat(8001) })), ...invalid },
  {
    name: 'ask: NUL and escape characters',
    ...ask(json({ question: 'pass\u0000word \u001b[31m?' })),
    status: 200,
    check: answered,
  },
  { name: 'ask: only emoji', ...ask(json({ question: '😀🔥💯' })), status: 200, check: answered },
  { name: 'ask: an unknown field', ...ask(json({ question: 'x', admin: true })), ...invalid },
  { name: 'ask: mode sideways', ...ask(json({ question: 'x', mode: 'sideways' })), ...invalid },
  { name: 'ask: categoryFallback 1e9', ...ask(json({ question: 'x', categoryFallback: 1e9 })), ...invalid },
  {
    name: 'ask: categoryMargin -1',
    ...ask(json({ question: 'x', categoryFallback: 2, categoryMargin: -1 })),
    ...invalid,
  },
  { name: 'ask: maxTokens 0', ...ask(json({ question: 'x', maxTokens: 0 })), ...invalid },
  { name: 'ask: stream "yes"', ...ask(json({ question: 'x', stream: 'yes' })), ...invalid },
  { name: 'ask: relativeCutoff 2', ...ask(json({ question: 'x', relativeCutoff: 2 })), ...invalid },
  {
    name: 'ask: JSON sent as text/plain (a page can send that without a preflight)',
    ...ask(json({ question: 'How many days of annual leave?' })),
    headers: { 'content-type': 'text/plain' },
    ...unsupported,
  },
  {
    name: 'ask: JSON sent as a form',
    ...ask(json({ question: 'How many days of annual leave?' })),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    ...unsupported,
  },
  {
    name: 'ask: JSON with a charset',
    ...ask(json({ question: 'How many days of annual leave?' })),
    headers: { 'content-type': 'Application/JSON; charset=utf-8' },
    status: 200,
    check: answered,
  },
  // /api/search
  { name: 'search: topK 0', ...search(json({ query: 'leave', topK: 0 })), ...invalid },
  { name: 'search: topK 1e9', ...search(json({ query: 'leave', topK: 1e9 })), ...invalid },
  { name: 'search: topK "5"', ...search(json({ query: 'leave', topK: '5' })), ...invalid },
  { name: 'search: an empty query', ...search(json({ query: '' })), ...invalid },
  { name: 'search: mode two-stage', ...search(json({ query: 'leave', mode: 'two-stage' })), ...invalid },
  // /api/kb and /api/documents
  { name: 'POST /api/kb', method: 'POST', path: '/api/kb', body: json({}), ...missing },
  { name: 'document id 99999999999999999999', path: '/api/documents/99999999999999999999', ...missing },
  { name: 'document id -1', path: '/api/documents/-1', ...invalid },
  { name: 'document id 1.5', path: '/api/documents/1.5', ...invalid },
  { name: 'document id 1e3', path: '/api/documents/1e3', ...invalid },
  { name: 'document id %00', path: '/api/documents/%00', raw: true, ...invalid },
  { name: 'document id with traversal', path: '/api/documents/..%2f..%2fetc%2fpasswd', raw: true, ...invalid },
  { name: 'document id 0', path: '/api/documents/0', ...missing },
  { name: 'new document: no content', ...create(json({ category: 'IT', title: 'x' })), ...invalid },
  { name: 'new document: an empty category', ...create(json({ category: ' ', title: 'x', content: 'y' })), ...invalid },
  {
    name: 'new document: title is a list',
    ...create(json({ category: 'IT', title: ['a'], content: 'y' })),
    ...invalid,
  },
  {
    name: 'new document: 60 KB of content',
    ...create(json({ category: 'Hostile', title: 'Big', content: 'The printer is on floor three. '.repeat(1900) })),
    status: 201,
  },
  {
    name: 'new document: a source that looks like path traversal',
    ...create(json({ category: 'Hostile', title: 'Traversal', content: 'Only text.', source: '../../etc/passwd' })),
    status: 201,
  },
  {
    name: 'new document: a title with newlines and control characters',
    ...create(json({ category: 'Hostile', title: 'Line\nbreak \u0007 bell', content: 'Some text.' })),
    status: 201,
  },
  // Host (DNS rebinding) and Origin (cross-site pages): with and without a key (below, too)
  {
    name: 'Host: attacker.example (a rebound name)',
    path: '/api/kb',
    raw: true,
    headers: { host: 'attacker.example' },
    ...rebound,
  },
  {
    name: 'Host: attacker.example on /healthz',
    path: '/healthz',
    raw: true,
    headers: { host: 'attacker.example:80' },
    ...rebound,
  },
  {
    name: 'Host: attacker.example on the web UI',
    path: '/',
    raw: true,
    headers: { host: 'attacker.example' },
    ...rebound,
  },
  {
    name: 'Host: localhost.attacker.example',
    path: '/api/kb',
    raw: true,
    headers: { host: 'localhost.attacker.example' },
    ...rebound,
  },
  { name: 'Host: 127.0.0.1.nip.io', path: '/api/kb', raw: true, headers: { host: '127.0.0.1.nip.io' }, ...rebound },
  { name: 'Host: localhost', path: '/healthz', raw: true, headers: { host: 'localhost:1234' }, status: 200 },
  { name: 'Host: [::1]', path: '/healthz', raw: true, headers: { host: '[::1]:1234' }, status: 200 },
  {
    name: 'DELETE with Host: attacker.example',
    method: 'DELETE',
    path: '/api/documents/1',
    raw: true,
    headers: { host: 'attacker.example' },
    ...rebound,
  },
  {
    name: 'cross-site: a planted document as text/plain from https://attacker.example',
    ...create(planted),
    headers: { 'content-type': 'text/plain', origin: 'https://attacker.example' },
    ...crossOrigin,
  },
  {
    name: 'cross-site: a planted document as JSON from https://attacker.example',
    ...create(planted),
    headers: { origin: 'https://attacker.example' },
    ...crossOrigin,
  },
  {
    name: 'cross-site: a page on another port of localhost',
    ...create(planted),
    headers: { origin: 'http://localhost:1' },
    ...crossOrigin,
  },
  {
    name: 'cross-site: Origin null (a sandboxed frame)',
    ...create(planted),
    headers: { origin: 'null' },
    ...crossOrigin,
  },
  {
    name: 'cross-site: Sec-Fetch-Site cross-site without Origin',
    ...create(planted),
    headers: { 'sec-fetch-site': 'cross-site' },
    ...crossOrigin,
  },
  {
    name: 'cross-site: Sec-Fetch-Site same-site (another port)',
    ...create(planted),
    headers: { 'sec-fetch-site': 'same-site' },
    ...crossOrigin,
  },
  {
    name: 'cross-site: a question from https://attacker.example',
    ...ask(json({ question: 'What is the VPN password?' })),
    headers: { 'content-type': 'text/plain', origin: 'https://attacker.example' },
    ...crossOrigin,
  },
  {
    name: 'cross-site: DELETE from https://attacker.example',
    method: 'DELETE',
    path: '/api/documents/1',
    headers: { origin: 'https://attacker.example' },
    ...crossOrigin,
  },
  {
    name: 'cross-site: an upload from https://attacker.example',
    method: 'POST',
    path: '/api/upload?name=leave.md',
    body: 'Annual leave is 90 days.',
    headers: { 'content-type': 'text/plain', origin: 'https://attacker.example' },
    ...crossOrigin,
  },
  {
    name: 'upload: a text/plain body',
    method: 'POST',
    path: '/api/upload?name=leave.md',
    body: 'Annual leave is 90 days.',
    headers: { 'content-type': 'text/plain' },
    ...unsupported,
  },
  {
    name: 'upload: no Content-Type',
    method: 'POST',
    path: '/api/upload?name=leave.md',
    body: 'Annual leave is 90 days.',
    raw: true,
    ...unsupported,
  },
  {
    name: 'upload: a name of 86 "€" (258 bytes; ENAMETOOLONG before)',
    method: 'POST',
    path: `/api/upload?name=${encodeURIComponent(`${'€'.repeat(86)}.md`)}`,
    body: '# Euro\nA note.',
    headers: { 'content-type': 'application/octet-stream' },
    ...invalid,
    check: (body) => assert.doesNotMatch(JSON.stringify(body), /gemma-rag-upload|\/tmp\//),
  },
  {
    name: 'upload: a name of 100 Chinese characters (300 bytes)',
    method: 'POST',
    path: `/api/upload?name=${encodeURIComponent(`${'年假规定'.repeat(25)}.md`)}`,
    body: '# 年假\n一条说明。',
    headers: { 'content-type': 'application/octet-stream' },
    ...invalid,
  },
  {
    name: 'new document: JSON as text/plain without Origin',
    ...create(planted),
    headers: { 'content-type': 'text/plain' },
    ...unsupported,
  },
  { name: 'delete document abc', method: 'DELETE', path: '/api/documents/abc', ...invalid },
  { name: 'delete document 99999999', method: 'DELETE', path: '/api/documents/99999999', ...missing },
  { name: 'delete document 1e30 digits', method: 'DELETE', path: `/api/documents/${'9'.repeat(30)}`, ...missing },
];

function rawRequest(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ hostname, port, method, path, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

let root: string;
let plain: Served;
let streaming: Served;
let fake: FakeModelServer;
let documentsBefore: number;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gemma-rag-hostile-http-'));
  const seeded = join(root, 'seeded.db');
  const result = await runCli(['ingest', 'examples/knowledge-base.json', '--db', seeded, '--engine', 'lexical']);
  assert.equal(result.exitCode, 0, result.stderr);
  fake = await FakeModelServer.start({ chunkDelayMs: 20, replyFor: () => 'A slow answer. '.repeat(40) });
  plain = await serveDatabase(seeded, { engine: 'lexical' }, false);
  const second = join(root, 'second.db');
  await runCli(['ingest', 'examples/knowledge-base.json', '--db', second, '--engine', 'lexical']);
  streaming = await serveDatabase(
    second,
    { engine: 'lexical', generationEngine: 'ollama', baseUrl: fake.baseUrl, generationModel: 'gemma3:4b' },
    true,
  );
  documentsBefore = (
    (await (await fetch(`${plain.url}/api/kb`)).json()) as { categories: Array<{ items: unknown[] }> }
  ).categories.reduce((sum, category) => sum + category.items.length, 0);
});

after(async () => {
  await plain?.close();
  await streaming?.close();
  await fake?.close();
  await rm(root, { recursive: true, force: true });
});

const timings: Array<[string, number]> = [];

for (const row of cases) {
  test(`hostile HTTP request — ${row.name}`, async () => {
    const method = row.method ?? 'GET';
    const started = performance.now();
    const { status, text } = row.raw
      ? await rawRequest(plain.url, method, row.path, row.headers, typeof row.body === 'string' ? row.body : undefined)
      : await fetch(`${plain.url}${row.path}`, {
          method,
          headers: { 'content-type': 'application/json', ...row.headers },
          signal: AbortSignal.timeout(60_000),
          ...(row.body === undefined ? {} : { body: typeof row.body === 'string' ? row.body : json(row.body) }),
        }).then(async (response) => ({ status: response.status, text: await response.text() }));
    timings.push([row.name, performance.now() - started]);
    assert.equal(status, row.status, text.slice(0, 1000));
    assert.doesNotMatch(text, /^\s+at .+:\d+:\d+\)?$/m, 'a stack trace in the response');
    const body: unknown = text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
    if (status >= 400) {
      const parsed = errorJsonSchema.safeParse(body);
      assert.ok(parsed.success, `not the error shape: ${text.slice(0, 500)}`);
      assert.equal(parsed.data.error.code, row.code, parsed.data.error.message);
    }
    row.check?.(body);
  });
}

test('with a key: a rebound Host and a cross-site page are refused even with the key; --cors opens only its origins', async () => {
  const keyed = await startTestServer({ app: { apiKey: 'secret', corsOrigins: ['https://app.example'] } });
  try {
    const bearer = { authorization: 'Bearer secret' };
    const write = (headers: Record<string, string>) =>
      fetch(`${keyed.url}/api/documents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer, ...headers },
        body: planted,
      });
    const refused = await write({ origin: 'https://attacker.example' });
    assert.equal(refused.status, 403);
    assert.equal(errorJsonSchema.parse(await refused.json()).error.code, 'CROSS_ORIGIN_REFUSED');
    const rebind = await rawRequest(keyed.url, 'GET', '/api/kb', { ...bearer, host: 'attacker.example' });
    assert.equal(rebind.status, 421);
    const allowed = await write({ origin: 'https://app.example' });
    assert.equal(allowed.status, 201, await allowed.text());
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example');
    const preflight = await fetch(`${keyed.url}/api/documents`, {
      method: 'OPTIONS',
      headers: { origin: 'https://attacker.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  } finally {
    await keyed.close();
  }
});

test("--cors '*': every origin may call with a key (Access-Control-Allow-Origin: *); without a key it is refused", async () => {
  const open = await startTestServer({ app: { apiKey: 'secret', corsOrigins: ['*'] } });
  try {
    const response = await fetch(`${open.url}/api/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret', origin: 'https://any.example' },
      body: json({ query: 'leave' }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
  } finally {
    await open.close();
  }
  await assert.rejects(startTestServer({ app: { corsOrigins: ['*'] } }), /--cors '\*' lets every web page/);
});

/** An upload whose body is sent in parts, by the test's hand: `finish` ends it, `abort` leaves mid-way. */
function slowUpload(url: string, name: string) {
  const { hostname, port } = new URL(url);
  let settle: (value: { status: number; text: string }) => void = () => undefined;
  const answered = new Promise<{ status: number; text: string }>((resolve) => {
    settle = resolve;
  });
  const request = httpRequest(
    {
      hostname,
      port,
      method: 'POST',
      path: `/api/upload?name=${name}`,
      headers: { 'content-type': 'application/octet-stream' },
    },
    (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => settle({ status: response.statusCode ?? 0, text }));
    },
  );
  request.on('error', () => settle({ status: 0, text: 'aborted' }));
  request.write('# Slow note\n');
  return {
    answered,
    finish: () => request.end('Annual leave is 25 days.\n'),
    abort: () => request.destroy(),
  };
}

async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`never: ${what}`);
}

test('uploads in flight are bounded (503 OVERLOADED with Retry-After), streamed to disk, and their temporary folders always removed', async () => {
  const temporary = await mkdtemp(join(tmpdir(), 'gemma-rag-upload-temp-'));
  const server = await startTestServer({ limits: { maxUploadsInFlight: 2, maxUploadBytes: 64 * 1024 } });
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = temporary;
  const folders = async () => (await readdir(temporary)).length;
  try {
    const first = slowUpload(server.url, 'first.md');
    const second = slowUpload(server.url, 'second.md');
    await eventually(async () => (await folders()) === 2, 'both uploads are being written to disk');
    // Under a fixed name: nothing the client chose becomes a path on the server.
    for (const folder of await readdir(temporary))
      assert.deepEqual(await readdir(join(temporary, folder)), ['upload.md']);
    const third = await fetch(`${server.url}/api/upload?name=third.md`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: '# Third\nA note.',
    });
    assert.equal(third.status, 503);
    assert.equal(third.headers.get('retry-after'), '2');
    assert.equal(errorJsonSchema.parse(await third.json()).error.code, 'OVERLOADED');
    first.finish();
    assert.equal((await first.answered).status, 200);
    second.abort();
    await second.answered;
    await eventually(async () => (await folders()) === 0, 'the aborted upload’s folder is removed');
    const tooLarge = await fetch(`${server.url}/api/upload?name=large.md`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('# Large\n'.repeat(20_000)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(tooLarge.status, 413);
    const skipped = await fetch(`${server.url}/api/upload?name=empty.md`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: '',
    });
    assert.equal(skipped.status, 200);
    await eventually(async () => (await folders()) === 0, 'every temporary folder is removed');
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    await server.close();
    await rm(temporary, { recursive: true, force: true });
  }
});

test('a write lock held by another process: a write waits without blocking /healthz, then 503 DATABASE_BUSY with Retry-After; afterwards it is accepted', async () => {
  const holder = new BetterSqlite3(streaming.db);
  holder.exec('BEGIN IMMEDIATE');
  const document = json({ category: 'Locks', title: 'Held', content: 'Written while another process held the lock.' });
  const post = () =>
    fetch(`${streaming.url}/api/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: document,
    });
  try {
    const busy = post().then(async (response) => ({ response, body: await response.json() }));
    const slowest = await slowestHealthWhile(streaming.url, busy);
    const { response, body } = await busy;
    assert.equal(response.status, 503, JSON.stringify(body));
    assert.equal(errorJsonSchema.parse(body).error.code, 'DATABASE_BUSY');
    assert.equal(response.headers.get('retry-after'), '1');
    assert.ok(slowest < 1000, `/healthz took ${slowest.toFixed(0)} ms while the write waited`);
  } finally {
    holder.exec('ROLLBACK');
    holder.close();
  }
  assert.equal((await post()).status, 201);
});

test('HTTP clients see no server paths (listing, document, citations, /v1/models), and a source cannot name another document', async () => {
  const absolute = (value: string) => value.startsWith('/') || value.includes(process.cwd());
  const listing = (await (await fetch(`${streaming.url}/api/kb`)).json()) as {
    categories: Array<{ items: Array<{ id: number; source: string }> }>;
  };
  const items = listing.categories.flatMap((category) => category.items);
  assert.deepEqual(
    items.filter((item) => absolute(item.source)),
    [],
  );
  const first = items[0];
  assert.ok(first);
  const document = (await (await fetch(`${streaming.url}/api/documents/${first.id}`)).json()) as { source: string };
  assert.equal(document.source, first.source);
  const answer = (await (
    await fetch(`${streaming.url}/api/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json({ question: 'How many days of annual leave do I get?', generate: false }),
    })
  ).json()) as { citations: Array<{ source: string }> };
  assert.ok(answer.citations.length > 0);
  assert.deepEqual(
    answer.citations.filter((citation) => absolute(citation.source)),
    [],
  );
  const models = (await (await fetch(`${streaming.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
  assert.ok(models.data.every((model) => !absolute(model.id)));

  // The stored (real) source of an ingested document, which a key holder must not overwrite.
  const store = await SqliteKnowledgeBase.open(streaming.db);
  const [victim] = await store.listDocuments();
  assert.ok(victim);
  const before = await store.findDocument(victim.source);
  await store.close();
  const response = await fetch(`${streaming.url}/api/documents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: json({ category: 'IT', title: 'Overwrite', content: 'Replaced by the API.', source: victim.source }),
  });
  const created = (await response.json()) as { source: string; outcome: string };
  assert.equal(response.status, 201, JSON.stringify(created));
  assert.equal(created.outcome, 'added');
  assert.equal(created.source, `api:${victim.source}`);
  const reopened = await SqliteKnowledgeBase.open(streaming.db);
  assert.deepEqual(await reopened.findDocument(victim.source), before);
  await reopened.close();
});

/** The slowest /healthz answer, polled every 50 ms until `work` settles. */
async function slowestHealthWhile(url: string, work: Promise<unknown>): Promise<number> {
  let settled = false;
  void work.finally(() => {
    settled = true;
  });
  let slowest = 0;
  while (!settled) {
    const started = performance.now();
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(20_000) });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    slowest = Math.max(slowest, performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return slowest;
}

test('bomb uploads (a PDF page of 16 MiB of text, a .docx inflating to 70 MiB): /healthz answers within 1 s throughout; each is skipped with its reason', async () => {
  const server = await startTestServer({ limits: { parse: { timeoutMs: 3000 } } });
  try {
    for (const [name, bytes, reason] of [
      ['bomb.pdf', pdfBomb(16 * 1024 * 1024), /parsing took longer than 3 s, so it was stopped/],
      ['bomb.docx', docxBomb(70 * 1024 * 1024), /expands to more than 64 MiB|parsing took longer than 3 s/],
    ] as const) {
      const started = performance.now();
      const upload = fetch(`${server.url}/api/upload?name=${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: Buffer.from(bytes),
      }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as Record<string, unknown>,
      }));
      const slowest = await slowestHealthWhile(server.url, upload);
      const { status, body } = await upload;
      console.log(
        `${name} (${bytes.length} bytes) upload: ${(performance.now() - started).toFixed(0)} ms; slowest /healthz ${slowest.toFixed(0)} ms`,
      );
      assert.equal(status, 200, JSON.stringify(body));
      assert.match(JSON.stringify(body.skipped), reason);
      assert.ok(slowest < 1000, `/healthz took ${slowest.toFixed(0)} ms while ${name} was parsed`);
    }
  } finally {
    await server.close();
  }
});

test('200 concurrent questions: every one answered or told OVERLOADED, and the server answers afterwards', async () => {
  const started = performance.now();
  const responses = await Promise.all(
    Array.from({ length: 200 }, (_, index) =>
      fetch(`${plain.url}/api/ask`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: json({ question: `How many days of annual leave do I get? (${index})` }),
        signal: AbortSignal.timeout(120_000),
      }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as Record<string, unknown>,
      })),
    ),
  );
  const answeredCount = responses.filter((response) => response.status === 200).length;
  for (const response of responses) {
    if (response.status === 200) continue;
    assert.equal(response.status, 503);
    assert.equal(errorJsonSchema.parse(response.body).error.code, 'OVERLOADED');
  }
  console.log(
    `200 concurrent questions: ${answeredCount} answered, ${200 - answeredCount} OVERLOADED, in ${(performance.now() - started).toFixed(0)} ms`,
  );
  assert.ok(answeredCount >= 65, `${answeredCount} answered: at least the running one and the 64 queued must be`);
  const health = (await (await fetch(`${plain.url}/healthz`)).json()) as { pending: number };
  assert.equal(health.pending, 0);
});

async function waitForIdle(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { pending } = (await (await fetch(`${url}/healthz`)).json()) as { pending: number };
    if (pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail('engine work still pending 10 s after every client left');
}

test('clients that disconnect mid-stream free their place; the next question is answered', async () => {
  const streams = Array.from({ length: 8 }, async () => {
    const controller = new AbortController();
    const response = await fetch(`${streaming.url}/api/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json({ question: 'How many days of annual leave do I get?', stream: true }),
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    const first = await reader?.read();
    assert.match(new TextDecoder().decode(first?.value), /event: (retrieval|token)/);
    controller.abort();
  });
  await Promise.all(streams);
  // One more that leaves before reading anything at all.
  const early = new AbortController();
  const leaving = fetch(`${streaming.url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: json({ question: 'How do I reset my password?', stream: true }),
    signal: early.signal,
  }).catch(() => undefined);
  early.abort();
  await leaving;
  await waitForIdle(streaming.url);
  const response = await fetch(`${streaming.url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: json({ question: 'How many days of annual leave do I get?', stream: true }),
  });
  const events = parseServerSentEvents(await response.text());
  assert.equal(events.at(-1)?.event, 'result');
});

test('hostile HTTP requests: at least 60 rows; the knowledge base is intact and holds exactly the accepted writes', async () => {
  assert.ok(cases.length >= 60, `${cases.length} rows`);
  const accepted = cases.filter((row) => row.path === '/api/documents' && row.status === 201).length;
  const store = await SqliteKnowledgeBase.open(plain.db);
  try {
    assert.equal((await store.checkIntegrity()).integrityCheck, 'ok');
    assert.equal((await store.listDocuments()).length, documentsBefore + accepted);
  } finally {
    await store.close();
  }
  const slowest = [...timings].sort((left, right) => right[1] - left[1]).slice(0, 3);
  console.log(
    `${cases.length} hostile HTTP rows; slowest: ${slowest.map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join('; ')}`,
  );
});
