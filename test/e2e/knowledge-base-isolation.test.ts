import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Rag } from '../../src/app/rag.js';
import { errorJsonSchema } from '../../src/presentation/error-json.js';
import { createApp } from '../../src/server/create-app.js';
import { defaultLimits, type ServedKnowledgeBase } from '../../src/server/server-context.js';
import { WorkQueue } from '../../src/server/work-queue.js';
import { parseServerSentEvents, startKeyedTestServer } from '../fixtures/test-server.js';

// Two SQLite knowledge bases in one server, each with its own key, and an admin key: a key
// reads and changes its own knowledge base and is refused on every route of the other.

const keys = { team: 'team-key-0123456789', hr: 'hr-key-9876543210', admin: 'admin-key-abcdef' };
const documents = {
  team: { category: 'Engineering', title: 'Deploy', content: 'Deploys run every Tuesday through the blue pipeline.' },
  hr: { category: 'People', title: 'Salaries', content: 'Salary bands are reviewed each March by the HR board.' },
};

let folder: string;
let rag: Rag;
let served: ServedKnowledgeBase[];
let url: string;
let close: () => Promise<void>;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemma-rag-isolation-'));
  const server = await startKeyedTestServer(
    folder,
    {
      team: { ...documents.team, source: 'seed:team' },
      hr: { ...documents.hr, source: 'seed:hr' },
    },
    keys,
  );
  ({ rag, served, url, close } = server);
});

after(async () => {
  await close?.();
  if (folder) await rm(folder, { recursive: true, force: true });
});

function call(method: string, path: string, key: string | undefined, body?: string, type = 'application/json') {
  return fetch(`${url}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': type },
    ...(body === undefined ? {} : { body }),
  });
}

async function errorOf(response: Response) {
  return errorJsonSchema.parse(await response.json()).error;
}

/**
 * Every route of a knowledge base, read and write (`{kb}` is its name), and the status its own
 * key gets. DELETE names a document that does not exist: its 404 comes from the route, past the gate.
 */
const routes: Array<{ method: string; path: string; body?: string; type?: string; own: number }> = [
  { method: 'GET', path: '/api/kb/{kb}', own: 200 },
  {
    method: 'POST',
    path: '/api/kb/{kb}/ask',
    body: JSON.stringify({ question: 'When are deploys?', generate: false }),
    own: 200,
  },
  {
    method: 'POST',
    path: '/api/kb/{kb}/ask',
    body: JSON.stringify({ question: 'When are deploys?', stream: true }),
    own: 200,
  },
  { method: 'POST', path: '/api/kb/{kb}/search', body: JSON.stringify({ query: 'salary bands' }), own: 200 },
  { method: 'GET', path: '/api/kb/{kb}/documents/1', own: 200 },
  {
    method: 'POST',
    path: '/api/kb/{kb}/documents',
    body: JSON.stringify({ category: 'Probe', title: 'Probe', content: 'written through the probe' }),
    own: 201,
  },
  { method: 'DELETE', path: '/api/kb/{kb}/documents/999999', own: 404 },
  {
    method: 'POST',
    path: '/api/kb/{kb}/upload?name=probe.md',
    body: '# Probe\n\nuploaded',
    type: 'text/markdown',
    own: 200,
  },
  { method: 'GET', path: '/api/kb/{kb}/no-such-route', own: 404 },
];

for (const route of routes) {
  for (const [owner, other] of [
    ['team', 'hr'],
    ['hr', 'team'],
  ] as const) {
    test(`${route.method} ${route.path} on ${other}: its key ${route.own}, ${owner}'s key 403, no key or a wrong key 401`, async () => {
      const path = route.path.replace('{kb}', other);
      const before = await served.find(({ name }) => name === other)?.store.listDocuments();
      const refused = await call(route.method, path, keys[owner], route.body, route.type);
      assert.equal(refused.status, 403);
      assert.deepEqual(await errorOf(refused), {
        code: 'FORBIDDEN',
        message: `This key does not open a knowledge base named "${other}".`,
        data: { name: other },
      });
      for (const key of [undefined, 'not-a-key', `${keys[other]}x`]) {
        const anonymous = await call(route.method, path, key, route.body, route.type);
        assert.equal(anonymous.status, 401);
        assert.equal((await errorOf(anonymous)).code, 'UNAUTHORIZED');
      }
      assert.deepEqual(await served.find(({ name }) => name === other)?.store.listDocuments(), before);
      const own = await call(route.method, path, keys[other], route.body, route.type);
      assert.equal(own.status, route.own, await own.clone().text());
    });
  }
}

test('a key for one knowledge base gets the same answer for another one and for one that does not exist', async () => {
  const existing = await call('POST', '/api/kb/hr/search', keys.team, JSON.stringify({ query: 'x' }));
  const missing = await call('POST', '/api/kb/payroll/search', keys.team, JSON.stringify({ query: 'x' }));
  assert.equal(existing.status, missing.status);
  const [a, b] = [await errorOf(existing), await errorOf(missing)];
  assert.equal(a.code, b.code);
  assert.equal(a.message.replace('"hr"', '"payroll"'), b.message);
  // The admin key sees every knowledge base: "no such one" hides nothing from it.
  const admin = await call('POST', '/api/kb/payroll/search', keys.admin, JSON.stringify({ query: 'x' }));
  assert.equal(admin.status, 404);
  assert.equal((await errorOf(admin)).code, 'NOT_FOUND');
});

test("each key reads and writes its own knowledge base, and the admin key both; ask streams on one's own", async () => {
  for (const name of ['team', 'hr'] as const) {
    for (const key of [keys[name], keys.admin]) {
      const listing = await call('GET', `/api/kb/${name}`, key);
      assert.equal(listing.status, 200);
      const kb = (await listing.json()) as { categories: Array<{ name: string }> };
      assert.ok(kb.categories.some((category) => category.name === documents[name].category));
      const search = await call(
        'POST',
        `/api/kb/${name}/search`,
        key,
        JSON.stringify({ query: documents[name].content }),
      );
      assert.equal(search.status, 200);
      const found = (await search.json()) as { results: Array<{ title: string }> };
      assert.equal(found.results[0]?.title, documents[name].title);
    }
    const stream = await call(
      'POST',
      `/api/kb/${name}/ask`,
      keys[name],
      JSON.stringify({ question: documents[name].content, stream: true, generate: false }),
    );
    assert.equal(stream.status, 200);
    const events = parseServerSentEvents(await stream.text());
    const result = JSON.parse(events.find(({ event }) => event === 'result')?.data ?? '{}') as {
      document: { title: string } | null;
    };
    assert.equal(result.document?.title, documents[name].title);
  }
  const created = await call(
    'POST',
    '/api/kb/team/documents',
    keys.team,
    JSON.stringify({ category: 'Engineering', title: 'Rollback', content: 'Rollbacks use the green lever.' }),
  );
  assert.equal(created.status, 201);
  const { id } = (await created.json()) as { id: number };
  assert.equal((await call('GET', `/api/kb/team/documents/${id}`, keys.team)).status, 200);
  assert.equal((await call('DELETE', `/api/kb/team/documents/${id}`, keys.team)).status, 200);
  assert.equal((await call('GET', `/api/kb/team/documents/${id}`, keys.team)).status, 404);
});

test('a document uploaded to one knowledge base is not findable in the other', async () => {
  const content = '# Aquarium\n\nThe office fish Blubb is fed twice a day with flakes.';
  const uploaded = await call('POST', '/api/kb/team/upload?name=aquarium.md', keys.team, content, 'text/markdown');
  assert.equal(uploaded.status, 200, await uploaded.clone().text());
  const query = JSON.stringify({ query: 'office fish Blubb flakes' });
  const inTeam = (await (await call('POST', '/api/kb/team/search', keys.team, query)).json()) as {
    results: Array<{ title: string }>;
  };
  assert.equal(inTeam.results[0]?.title, 'Aquarium');
  // Even the admin key, which may look everywhere, finds it only where it was uploaded.
  const inHr = (await (await call('POST', '/api/kb/hr/search', keys.admin, query)).json()) as {
    results: Array<{ title: string }>;
  };
  assert.ok(inHr.results.every(({ title }) => title !== 'Aquarium'));
  const hrListing = (await (await call('GET', '/api/kb/hr', keys.hr)).json()) as {
    categories: Array<{ items: Array<{ title: string }> }>;
  };
  assert.ok(hrListing.categories.every(({ items }) => items.every(({ title }) => title !== 'Aquarium')));
});

test('GET /api/kbs lists only the knowledge bases the key opens', async () => {
  const namesFor = async (key: string) => {
    const response = await call('GET', '/api/kbs', key);
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      knowledgeBases: Array<{ name: string; routes: string; documents: number }>;
    };
    for (const entry of body.knowledgeBases) assert.equal(entry.routes, `/api/kb/${entry.name}`);
    return body.knowledgeBases.map(({ name }) => name);
  };
  assert.deepEqual(await namesFor(keys.team), ['team']);
  assert.deepEqual(await namesFor(keys.hr), ['hr']);
  assert.deepEqual(await namesFor(keys.admin), ['team', 'hr']);
  assert.equal((await call('GET', '/api/kbs', undefined)).status, 401);
  assert.equal((await call('GET', '/api/kbs', 'nope')).status, 401);
});

test('with several knowledge bases the unscoped routes name the scoped one instead of guessing', async () => {
  for (const [method, path, scoped] of [
    ['POST', '/api/ask', '/api/kb/{name}/ask'],
    ['POST', '/api/search', '/api/kb/{name}/search'],
    ['GET', '/api/kb', '/api/kb/{name}'],
    ['GET', '/api/documents/1', '/api/kb/{name}/documents/1'],
    ['POST', '/api/documents', '/api/kb/{name}/documents'],
    ['DELETE', '/api/documents/1', '/api/kb/{name}/documents/1'],
    ['POST', '/api/upload?name=a.md', '/api/kb/{name}/upload'],
  ] as const) {
    const response = await call(method, path, keys.team, method === 'GET' ? undefined : '{}');
    assert.equal(response.status, 400, `${method} ${path}`);
    const error = await errorOf(response);
    assert.equal(error.code, 'INVALID_ARGUMENT');
    assert.match(error.message, /several knowledge bases/);
    assert.equal(error.data.route, scoped);
    // Without a key it is the key that is missing, before anything else is said.
    assert.equal((await call(method, path, undefined, method === 'GET' ? undefined : '{}')).status, 401);
  }
});

test('embeddings are the shared engine: any key the server knows may use them, no key may not', async () => {
  const body = JSON.stringify({ input: 'hello' });
  for (const key of [keys.team, keys.hr, keys.admin]) {
    assert.equal((await call('POST', '/v1/embeddings', key, body)).status, 200);
    assert.equal((await call('POST', '/api/embed', key, body)).status, 200);
  }
  assert.equal((await call('POST', '/v1/embeddings', undefined, body)).status, 401);
  assert.equal((await call('GET', '/v1/models', 'nope')).status, 401);
});

test('createApp refuses a keyless knowledge base beside keyed ones (without an admin key), and duplicate names', () => {
  const [team, hr] = served as [ServedKnowledgeBase, ServedKnowledgeBase];
  const context = { rag, generate: false, queue: new WorkQueue(1, 1), limits: defaultLimits };
  assert.throws(
    () => createApp({ ...context, knowledgeBases: [team, { ...hr, keys: [] }] }),
    (error: Error) => error.message.includes('"hr" has no key'),
  );
  // With an admin key the keyless one is the admin's alone: allowed.
  createApp({ ...context, knowledgeBases: [team, { ...hr, keys: [] }] }, { apiKey: keys.admin });
  assert.throws(
    () => createApp({ ...context, knowledgeBases: [team, { ...hr, name: 'team' }] }),
    (error: Error) => /Two knowledge bases are named "team": .*team\.db and .*hr\.db/.test(error.message),
  );
});
