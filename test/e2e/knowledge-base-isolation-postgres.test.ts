import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRag } from '../../src/app/rag.js';
import { createApp } from '../../src/server/create-app.js';
import { defaultKnowledgeBaseName } from '../../src/server/knowledge-base-name.js';
import { defaultLimits, type ServedKnowledgeBase } from '../../src/server/server-context.js';
import { startServer } from '../../src/server/start-server.js';
import { WorkQueue } from '../../src/server/work-queue.js';
import { temporaryFolder } from '../fixtures/temporary-files.js';
import { freshSchema, postgresTargets } from '../fixtures/test-postgres.js';

// A PostgreSQL knowledge base beside a SQLite one in one server: the same gates, whatever the store.
for (const target of postgresTargets()) {
  test(`${target.name} + SQLite: each key opens its own store only; the schema names the PostgreSQL one`, async (t) => {
    const rag = await createRag({ engine: 'lexical' });
    t.after(() => rag.dispose());
    const postgres = freshSchema(target.url, 'hr');
    assert.ok(postgres.kind === 'postgres');
    const sqlite = join(await temporaryFolder(t), 'team.db');
    const locations = { hr: postgres, team: sqlite } as const;
    const keys = { hr: 'hr-secret', team: 'team-secret' };
    const served: ServedKnowledgeBase[] = [];
    for (const [label, location] of Object.entries(locations) as Array<[keyof typeof keys, typeof postgres | string]>) {
      const writer = await rag.openForWriting(location);
      const content = label === 'hr' ? 'Salary bands are reviewed in March.' : 'Deploys run every Tuesday.';
      await rag.ingestFiles(writer, {
        source: { documents: [{ category: 'General', title: label, content, source: label }] },
      });
      await writer.close();
      const index = await rag.open(location);
      t.after(() => index.close());
      const name = label === 'hr' ? (defaultKnowledgeBaseName(postgres) ?? '') : 'team';
      served.push({ name, index, store: index.knowledge, keys: [keys[label]] });
    }
    const hrName = served[0]?.name ?? '';
    assert.equal(hrName, postgres.schema);
    const app = createApp({
      rag,
      knowledgeBases: served,
      generate: false,
      queue: new WorkQueue(1, 8),
      limits: defaultLimits,
    });
    const server = await startServer(app, { host: '127.0.0.1', port: 0 });
    t.after(() => server.close());
    const call = (method: string, path: string, key: string, body?: string, type = 'application/json') =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': type },
        ...(body === undefined ? {} : { body }),
      });
    const query = JSON.stringify({ query: 'office fish Blubb flakes' });
    assert.equal((await call('POST', `/api/kb/${hrName}/search`, keys.team, query)).status, 403);
    assert.equal((await call('POST', '/api/kb/team/search', keys.hr, query)).status, 403);
    const upload = await call(
      'POST',
      `/api/kb/${hrName}/upload?name=aquarium.md`,
      keys.hr,
      '# Aquarium\n\nThe office fish Blubb is fed twice a day with flakes.',
      'text/markdown',
    );
    assert.equal(upload.status, 200, await upload.clone().text());
    const titles = async (name: string, key: string) =>
      (
        (await (await call('POST', `/api/kb/${name}/search`, key, query)).json()) as {
          results: Array<{ title: string }>;
        }
      ).results.map(({ title }) => title);
    assert.equal((await titles(hrName, keys.hr))[0], 'Aquarium');
    assert.ok(!(await titles('team', keys.team)).includes('Aquarium'));
    const kbs = (await (await call('GET', '/api/kbs', keys.hr)).json()) as { knowledgeBases: Array<{ name: string }> };
    assert.deepEqual(
      kbs.knowledgeBases.map(({ name }) => name),
      [hrName],
    );
  });
}
