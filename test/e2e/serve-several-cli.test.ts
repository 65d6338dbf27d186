import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { createRag } from '../../src/app/rag.js';
import type { RagConfig } from '../../src/config.js';
import { runCli } from '../fixtures/run-cli.js';
import { startCli } from '../fixtures/running-cli.js';
import { temporaryFolder } from '../fixtures/temporary-files.js';

// `gemma-rag serve` with several knowledge bases: --db repeated, --db-key, --config; its input
// errors name what was wrong and where, before any model is loaded; one --db is as before.

const lexical = ['--engine', 'lexical', '--no-generate', '--port', '0'];

async function knowledgeBase(path: string, content: string, config: RagConfig = { engine: 'lexical' }) {
  const rag = await createRag(config);
  try {
    const writer = await rag.openForWriting(path);
    await rag.ingestFiles(writer, {
      source: { documents: [{ category: 'General', title: 'Note', content, source: 'seed:note' }] },
    });
    await writer.close();
  } finally {
    await rag.dispose();
  }
}

async function twoKnowledgeBases(t: TestContext) {
  const folder = await temporaryFolder(t);
  const team = join(folder, 'team.db');
  const hr = join(folder, 'hr.db');
  await knowledgeBase(team, 'Deploys run every Tuesday through the blue pipeline.');
  await knowledgeBase(hr, 'Salary bands are reviewed each March by the HR board.');
  return { folder, team, hr };
}

async function failsWith(argv: string[], environment: NodeJS.ProcessEnv, ...expected: RegExp[]) {
  const run = await runCli(['serve', ...argv, ...lexical], environment);
  assert.equal(run.exitCode, 2, run.stderr);
  for (const pattern of expected) assert.match(run.stderr, pattern);
}

test('config and flag errors name the input: bad name, duplicate, missing variable, bad JSON, unknown field', async (t) => {
  const { folder, team, hr } = await twoKnowledgeBases(t);
  const config = async (value: unknown, text = JSON.stringify(value, null, 2)) => {
    const path = join(folder, `config-${Math.random().toString(36).slice(2)}.jsonc`);
    await writeFile(path, text);
    return path;
  };
  const badName = await config({
    knowledgeBases: [
      { name: 'Team!', db: 'team.db' },
      { db: 'hr.db', keyEnv: 'GEMMA_TEST_UNSET' },
    ],
  });
  await failsWith(['--config', badName], {}, /Knowledge base name "Team!"/, /knowledgeBases\[0\]/, /lowercase letters/);
  const duplicate = await config({
    knowledgeBases: [
      { name: 'docs', db: team },
      { name: 'docs', db: hr },
    ],
  });
  await failsWith(
    ['--config', duplicate],
    {},
    /Two knowledge bases are named "docs"/,
    /knowledgeBases\[0\] \(.*team\.db\) and .*knowledgeBases\[1\] \(.*hr\.db\)/,
  );
  const missingVariable = await config({
    knowledgeBases: [
      { db: 'team.db', keyEnv: 'GEMMA_TEST_TEAM_KEY' },
      { db: 'hr.db', keyEnv: 'GEMMA_TEST_HR_KEY' },
    ],
  });
  await failsWith(
    ['--config', missingVariable],
    { GEMMA_TEST_TEAM_KEY: 'team-secret' },
    /knowledgeBases\[1\] \("hr"\) keyEnv: the environment variable GEMMA_TEST_HR_KEY is not set/,
  );
  const badJson = await config(
    undefined,
    '{\n  // comments are fine\n  "knowledgeBases": [\n    { "db": "team.db" ]\n}',
  );
  await failsWith(['--config', badJson], {}, /is not valid JSON at line 4, column \d+/);
  const unknownField = await config({ knowledgeBases: [{ db: 'team.db', keyenv: 'X' }] });
  await failsWith(['--config', unknownField], {}, /config file .*knowledgeBases\.0/, /keyenv/);
  await failsWith(['--config', badName, '--db', team], {}, /--config alone/);
  // A knowledge base nobody could open is refused, unless an admin key opens it.
  const keyless = await config({ knowledgeBases: [{ db: 'team.db', key: 'team-secret' }, { db: 'hr.db' }] });
  await failsWith(['--config', keyless], {}, /Knowledge base "hr" has no key while others do/);
  // Two files of the same name in different folders would be the same route: named, both.
  await mkdir(join(folder, 'copy'));
  const copy = join(folder, 'copy', 'team.db');
  await knowledgeBase(copy, 'Another team.');
  await failsWith(
    ['--db', team, '--db', copy],
    {},
    /Two knowledge bases are named "team": --db .*team\.db and --db .*copy/,
  );
  await failsWith(['--db', team, '--db', hr, '--db-key', 'payroll=X'], {}, /no knowledge base is named "payroll"/);
  await failsWith(['--db', team, '--db', hr, '--db-key', 'hr=GEMMA_TEST_UNSET'], {}, /GEMMA_TEST_UNSET is not set/);
});

test('a knowledge base embedded with another model is refused at startup, by name', async (t) => {
  const { folder, team } = await twoKnowledgeBases(t);
  const small = join(folder, 'small.db');
  await knowledgeBase(small, 'Embedded at 256 dimensions.', { engine: 'lexical', dimensions: 256 });
  const run = await runCli(['serve', '--db', team, '--db', small, ...lexical]);
  assert.equal(run.exitCode, 2, run.stderr);
  assert.match(run.stderr, /Knowledge base "small" \(--db .*small\.db\)/);
  assert.doesNotMatch(run.stderr, /"team"/);
});

async function served(t: TestContext, argv: string[], home: string) {
  const cli = startCli(t, ['serve', ...argv, ...lexical], home);
  const { line } = await cli.waitFor('stdout', (text) => text.includes(' at http://'));
  const url = /at (http:\/\/\S+)/.exec(line)?.[1] ?? '';
  return { cli, line, url };
}

test('--config serves each knowledge base under its name, opened only by its key', async (t) => {
  const { folder } = await twoKnowledgeBases(t);
  const path = join(folder, 'serve.jsonc');
  await writeFile(
    path,
    `{
      // keys stay in the environment
      "knowledgeBases": [
        { "db": "team.db", "keyEnv": "GEMMA_TEST_TEAM_KEY" },
        { "name": "people", "db": "hr.db", "keyEnv": ["GEMMA_TEST_HR_KEY"] },
      ],
    }`,
  );
  process.env.GEMMA_TEST_TEAM_KEY = 'team-secret';
  process.env.GEMMA_TEST_HR_KEY = 'hr-secret';
  t.after(() => {
    delete process.env.GEMMA_TEST_TEAM_KEY;
    delete process.env.GEMMA_TEST_HR_KEY;
  });
  const { line, url } = await served(t, ['--config', path], folder);
  assert.match(line, /serving 2 knowledge bases: team \(.*team\.db\), people \(.*hr\.db\) at/);
  const get = (route: string, key: string) => fetch(`${url}${route}`, { headers: { authorization: `Bearer ${key}` } });
  const kbs = (await (await get('/api/kbs', 'hr-secret')).json()) as { knowledgeBases: Array<{ name: string }> };
  assert.deepEqual(
    kbs.knowledgeBases.map(({ name }) => name),
    ['people'],
  );
  assert.equal((await get('/api/kb/people', 'hr-secret')).status, 200);
  assert.equal((await get('/api/kb/people', 'team-secret')).status, 403);
  assert.equal((await get('/api/kb/team', 'team-secret')).status, 200);
  assert.equal((await get('/api/kb', 'team-secret')).status, 400);
  assert.equal((await fetch(`${url}/api/kbs`)).status, 401);
});

test('one --db is served as before: unscoped routes, no key needed; its name also scopes; --db-key locks it', async (t) => {
  const { folder, team } = await twoKnowledgeBases(t);
  const { line, url } = await served(t, ['--db', team], folder);
  assert.equal(line, `gemma-rag is serving ${team} at ${url}`);
  const search = (route: string) =>
    fetch(`${url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'blue pipeline' }),
    });
  for (const route of ['/api/search', '/api/kb/team/search']) {
    const response = await search(route);
    assert.equal(response.status, 200, route);
    assert.equal(((await response.json()) as { results: Array<{ title: string }> }).results[0]?.title, 'Note');
  }
  assert.deepEqual(
    ((await (await fetch(`${url}/api/kbs`)).json()) as { knowledgeBases: Array<{ name: string }> }).knowledgeBases.map(
      ({ name }) => name,
    ),
    ['team'],
  );
  process.env.GEMMA_TEST_ONLY_KEY = 'only-secret';
  t.after(() => {
    delete process.env.GEMMA_TEST_ONLY_KEY;
  });
  const locked = await served(t, ['--db', team, '--db-key', 'team=GEMMA_TEST_ONLY_KEY'], folder);
  assert.equal((await fetch(`${locked.url}/api/kb`)).status, 401);
  const opened = await fetch(`${locked.url}/api/kb`, { headers: { authorization: 'Bearer only-secret' } });
  assert.equal(opened.status, 200);
});
