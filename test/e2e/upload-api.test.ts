import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../fixtures/test-server.js';

// POST /api/upload: a file as the body, read by the ingest loaders and written by the same ingest.
let server: TestServer;
before(async () => {
  server = await startTestServer({ app: { apiKey: 'secret' }, limits: { maxUploadBytes: 4096 } });
});
after(async () => {
  await server?.close();
});

function upload(name: string, body: string, category?: string, key = 'secret') {
  const query = new URLSearchParams({ name, ...(category ? { category } : {}) });
  return fetch(`${server.url}/api/upload?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream' },
    body,
  });
}

test('a Markdown upload is ingested under upload:{category}/{name}; again unchanged; changed, updated', async () => {
  const first = await upload('会议室规则.md', '# 会议室规则\n\n大会议室需要提前一天预订。', '办公');
  assert.equal(first.status, 200);
  const report = (await first.json()) as Record<string, unknown>;
  assert.deepEqual(
    { ...report, chunksEmbedded: undefined },
    {
      name: '会议室规则.md',
      category: '办公',
      source: 'upload:办公/会议室规则.md',
      documents: 1,
      added: 1,
      updated: 0,
      unchanged: 0,
      chunksEmbedded: undefined,
      skipped: [],
    },
  );
  const again = (await (
    await upload('会议室规则.md', '# 会议室规则\n\n大会议室需要提前一天预订。', '办公')
  ).json()) as {
    unchanged: number;
  };
  assert.equal(again.unchanged, 1);
  const changed = (await (
    await upload('会议室规则.md', '# 会议室规则\n\n大会议室需要提前两天预订。', '办公')
  ).json()) as {
    updated: number;
  };
  assert.equal(changed.updated, 1);
  const kb = (await (await fetch(`${server.url}/api/kb`, { headers: { authorization: 'Bearer secret' } })).json()) as {
    categories: Array<{ name: string; items: Array<{ title: string; source: string }> }>;
  };
  const office = kb.categories.find((category) => category.name === '办公');
  assert.deepEqual(
    office?.items.map(({ title, source }) => [title, source]),
    [['会议室规则', 'upload:办公/会议室规则.md']],
  );
});

test('an unsupported file is skipped with the reason; a path, a missing key or an oversize file is refused', async () => {
  const skipped = (await (await upload('tool.exe', 'MZ binary')).json()) as {
    documents: number;
    skipped: Array<{ reason: string }>;
  };
  assert.equal(skipped.documents, 0);
  assert.match(skipped.skipped[0]?.reason ?? '', /unsupported file type \(\.exe\)/);
  const path = await upload('../etc/passwd.md', 'x');
  assert.equal(path.status, 400);
  assert.equal(((await path.json()) as { error: { code: string } }).error.code, 'INVALID_ARGUMENT');
  assert.equal((await upload('a.md', 'x', undefined, 'wrong')).status, 401);
  const large = await upload('big.md', 'x'.repeat(5000));
  assert.equal(large.status, 413);
  assert.equal(((await large.json()) as { error: { code: string } }).error.code, 'PAYLOAD_TOO_LARGE');
});

test('an upload without a title of its own is titled by its name, though stored under a fixed temporary name', async () => {
  const response = await upload('年假规定.txt', 'Annual leave is 25 days.', 'HR');
  assert.equal(response.status, 200, await response.clone().text());
  const kb = (await (await fetch(`${server.url}/api/kb`, { headers: { authorization: 'Bearer secret' } })).json()) as {
    categories: Array<{ name: string; items: Array<{ title: string; source: string }> }>;
  };
  const hr = kb.categories.find((category) => category.name === 'HR');
  assert.deepEqual(
    hr?.items.map(({ title, source }) => [title, source]),
    [['年假规定', 'upload:HR/年假规定.txt']],
  );
});
