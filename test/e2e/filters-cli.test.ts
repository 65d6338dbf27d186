import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AskJson } from '../../src/presentation/ask-json.js';
import { runCli } from '../fixtures/run-cli.js';
import { freshSchema, postgresTargets } from '../fixtures/test-postgres.js';

// Filters as users type them: tags from front matter and from `ingest --tag`, then `--tag`,
// `--category` and `--document` on ask and search, the same on a file and on PostgreSQL.
const lexical = ['--engine', 'lexical'];
let folder: string;

const files: Record<string, string> = {
  'hr/leave.md':
    '---\ntags: [HR, leave]\n---\n# Annual leave\nEmployees get twenty days of annual leave; travel days count as work.',
  'hr/年假.md': '---\ntags: 人事, leave\n---\n# 年假\n员工每年享有十五天带薪年假，出差路途时间计入工作日。',
  'finance/travel.md':
    '# Travel expenses\nTravel expense claims need receipts for every hotel, train and taxi of the trip.',
  'finance/taxi.md': '# Taxi rules\nTaxi rides on a business trip are travel expenses; keep the receipts.',
};

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemma-rag-filters-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(folder, 'docs', name, '..'), { recursive: true });
    await writeFile(join(folder, 'docs', name), text);
  }
});
after(() => rm(folder, { recursive: true, force: true }));

function locations(): Array<{ name: string; db: () => string }> {
  return [
    { name: 'SQLite', db: () => join(folder, `kb-${Math.random().toString(36).slice(2)}.db`) },
    ...postgresTargets().map((target) => ({
      name: target.name,
      db: () => {
        const location = freshSchema(target.url, 'filters');
        assert.ok(location.kind === 'postgres');
        return `${target.url}?schema=${location.schema}`;
      },
    })),
  ];
}

for (const { name, db: newDb } of locations()) {
  test(`${name}: --tag, --category and --document limit ask and search inside the search`, async () => {
    const db = newDb();
    const ingest = await runCli(['ingest', join(folder, 'docs'), '--db', db, '--tag', 'Policy', ...lexical, '--json']);
    assert.equal(ingest.exitCode, 0, ingest.stderr);
    const question = 'travel receipts for the trip';

    const all = await runCli(['search', question, '--db', db, ...lexical, '--json']);
    assert.equal(all.exitCode, 0, all.stderr);
    const allTitles = (all.json().results as Array<{ title: string }>).map((result) => result.title);
    assert.equal(allTitles[0], 'Travel expenses');

    const leave = await runCli(['search', question, '--db', db, ...lexical, '--tag', 'LEAVE', '--json']);
    assert.equal(leave.exitCode, 0, leave.stderr);
    const leaveTitles = (leave.json().results as Array<{ title: string }>).map((result) => result.title).sort();
    assert.deepEqual(leaveTitles, ['Annual leave', '年假'], 'front-matter tags, normalized');

    const policy = await runCli([
      'search',
      question,
      '--db',
      db,
      ...lexical,
      '--tag',
      'policy',
      '--category',
      'finance',
      '--json',
    ]);
    assert.equal(policy.exitCode, 0, policy.stderr);
    const policyResults = policy.json().results as Array<{ title: string; category: string }>;
    assert.equal(policyResults.length, 2, 'ingest --tag reached every document');
    assert.ok(policyResults.every((result) => result.category === 'finance'));

    const asked = await runCli([
      'ask',
      question,
      '--db',
      db,
      ...lexical,
      '--document',
      'taxi.md',
      '--no-generate',
      '--json',
    ]);
    assert.equal(asked.exitCode, 0, asked.stderr);
    const answer = asked.json() as unknown as AskJson;
    assert.equal(answer.document?.title, 'Taxi rules');

    const shown = await runCli(['kb', 'show', '--title', '年假', '--db', db, '--json']);
    assert.equal(shown.exitCode, 0, shown.stderr);
    assert.deepEqual(shown.json().tags, ['人事', 'leave', 'policy']);

    const typo = await runCli(['ask', question, '--db', db, ...lexical, '--category', 'finanse', '--json']);
    assert.equal(typo.exitCode, 2, typo.stdout);
    const error = typo.json().error as { code: string; message: string };
    assert.equal(error.code, 'INVALID_ARGUMENT');
    assert.match(error.message, /no category "finanse"/);
  });
}
