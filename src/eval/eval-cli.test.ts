import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../test/fixtures/run-cli.js';
import { writeSquadFixture } from '../../test/fixtures/squad-fixture.js';
import { temporaryFolder } from '../../test/fixtures/temporary-files.js';
import { calibrationSettingKey } from '../retrieval/calibration-record.js';
import { SqliteKnowledgeBase } from '../stores/sqlite/sqlite-knowledge-base.js';
import type { EvalReport } from './run-eval.js';

const lexical = ['--engine', 'lexical'];

test('eval xquad end to end on a tiny data set: every mode and size, refusal, calibration, charts', async (t) => {
  const folder = await temporaryFolder(t);
  await writeSquadFixture(folder);
  const charts = join(folder, 'charts');
  const run = await runCli([
    'eval',
    'xquad',
    '--data',
    folder,
    '--lang',
    'en',
    '--dimensions',
    '768,128',
    '--held-out',
    '0.34',
    '--seed',
    '3',
    '--calibrate',
    '--charts',
    charts,
    ...lexical,
    '--json',
  ]);
  assert.equal(run.exitCode, 0, run.stderr);
  const report = run.json() as unknown as EvalReport;
  assert.equal(report.dataset, 'xquad');
  assert.equal(report.lang, 'en');
  assert.equal(report.kbLang, 'en');
  assert.equal(report.engine, 'lexical (not EmbeddingGemma)');
  assert.equal(report.questions, 6);
  // Each text once, whatever the sizes and passes: the paragraphs, the article names, and each
  // question under its two prompts (Classification, Retrieval-query).
  // 6 paragraphs + 3 articles + 6 questions × 2 prompts = 21, at two sizes, three modes and the refusal pass.
  assert.equal(report.embeddings?.embedded, 21, JSON.stringify(report.embeddings));
  assert.ok((report.embeddings?.reused ?? 0) > 21);
  assert.deepEqual(
    report.results.map((row) => [row.mode, row.dimensions]),
    [
      ['two-stage', 768],
      ['flat', 768],
      ['hybrid', 768],
      ['two-stage', 128],
      ['flat', 128],
      ['hybrid', 128],
    ],
  );
  for (const row of report.results) {
    assert.equal(row.categoryAccuracy === null, row.mode !== 'two-stage');
    for (const value of [row.hitAt1, row.recallAt5, row.recallAt10, row.mrrAt10, row.ndcgAt10]) {
      assert.ok(value >= 0 && value <= 1);
    }
    assert.ok(row.recallAt5 <= row.recallAt10 && row.hitAt1 <= row.recallAt5);
    assert.ok(row.p50Ms > 0 && row.p50Ms <= row.p95Ms);
  }
  // These questions share words with their paragraphs: even the keyword stand-in finds them all.
  const flat = report.results.find((row) => row.mode === 'flat' && row.dimensions === 768);
  assert.equal(flat?.hitAt1, 1);
  assert.equal(report.refusal.mode, 'hybrid', 'the refusal test measures the default route');
  assert.equal(report.refusal.heldOutArticles.length, 1);
  assert.equal(report.refusal.outOfScopeQuestions, 2);
  assert.equal(report.refusal.inScopeQuestions, 4);
  assert.deepEqual(report.refusal.thresholds, { category: 0.05, document: 0.12 });
  assert.ok(report.calibration);
  assert.ok(report.calibration.f1After >= (report.calibration.f1Before ?? 0));
  const files = (await readdir(charts)).sort();
  assert.deepEqual(files, ['xquad-en-metrics-by-dimension.svg', 'xquad-en-score-distributions.svg']);
  const svg = await readFile(join(charts, files[0] as string), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /Hit@1/);
});

test('eval rejects bad flags before loading anything', async () => {
  const bad = [
    [['--mode', 'two-stage,sideways'], /--mode must list modes from two-stage, flat, hybrid/],
    [['--dimensions', '768,0'], /Invalid dimensions "0"/],
    [['--held-out', '1'], /--held-out must be between 0 and 1/],
    [['--seed', 'x'], /--seed must be a whole number/],
  ] as const;
  for (const [flags, message] of bad) {
    const run = await runCli(['eval', 'xquad', '--data', '/nonexistent', ...flags, ...lexical]);
    assert.equal(run.exitCode, 2, flags.join(' '));
    assert.match(run.stderr, message);
  }
  const missing = await runCli(['eval', 'xquad', '--data', '/nonexistent', ...lexical]);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /xquad\.en\.json: the file does not exist/);
});

test('calibrate stores thresholds that ask then uses; bad labels are named by line', async (t) => {
  const folder = await temporaryFolder(t);
  const knowledgeBase = [
    {
      category: 'Lighthouses',
      documents: [
        { title: 'Lamp', content: 'The keeper lights the lamp in the tower every evening.' },
        { title: 'Fog', content: 'A fog horn sounds every minute when thick fog hides the lamp.' },
      ],
    },
    {
      category: 'Bread',
      documents: [
        { title: 'Starter', content: 'A sourdough starter is flour and water fermented by wild yeast.' },
        { title: 'Folding', content: 'Bakers fold the dough during bulk fermentation to build strength.' },
      ],
    },
  ];
  const kbPath = join(folder, 'kb.json');
  const db = join(folder, 'kb.db');
  await writeFile(kbPath, JSON.stringify(knowledgeBase));
  const home = join(folder, 'home');
  const ingest = await runCli(['ingest', kbPath, '--db', db, ...lexical, '--json'], { GEMMA_RAG_HOME: home });
  assert.equal(ingest.exitCode, 0, ingest.stderr);
  const labels = join(folder, 'labels.jsonl');
  await writeFile(
    labels,
    [
      {
        question: 'Who lights the lamp in the tower every evening?',
        expected: { category: 'Lighthouses', title: 'Lamp' },
      },
      { question: 'When does the fog horn sound?', expected: { category: 'Lighthouses', title: 'Fog' } },
      { question: 'What is a sourdough starter made of?', expected: { category: 'Bread', title: 'Starter' } },
      { question: 'Why do bakers fold the dough?', expected: { category: 'Bread', title: 'Folding' } },
      { question: 'Which football team won the cup final?', expected: null },
      { question: 'How tall is the highest mountain on Mars?', expected: null },
    ]
      .map((label) => JSON.stringify(label))
      .join('\n'),
  );
  const run = await runCli(['calibrate', '--db', db, '--labels', labels, ...lexical, '--json'], {
    GEMMA_RAG_HOME: home,
  });
  assert.equal(run.exitCode, 0, run.stderr);
  const output = run.json() as {
    labels: { answerable: number; unanswerable: number };
    before: { answerF1: number };
    after: { answerF1: number; thresholds: { category: number; document: number } };
  };
  assert.deepEqual(output.labels, { answerable: 4, unanswerable: 2 });
  assert.ok(output.after.answerF1 >= output.before.answerF1);
  const store = await SqliteKnowledgeBase.open(db);
  const stored = JSON.parse((await store.readSetting(calibrationSettingKey)) ?? '{}') as Record<string, unknown>;
  await store.close();
  assert.equal(stored.category, output.after.thresholds.category);
  assert.equal(stored.document, output.after.thresholds.document);
  assert.equal(stored.mode, 'hybrid', 'calibrated for the default route unless --mode says otherwise');
  assert.deepEqual(stored.embedding, {
    engine: 'lexical',
    modelId: (stored.embedding as { modelId: string }).modelId,
    dimensions: 768,
  });
  const ask = await runCli(
    ['ask', 'Why do bakers fold the dough?', '--db', db, '--no-generate', ...lexical, '--json'],
    {
      GEMMA_RAG_HOME: home,
    },
  );
  assert.equal(ask.exitCode, 0, ask.stderr);
  // The support gate and the source check are not calibrated; the lexical stand-in has neither.
  const { support, source, ...gates } = (
    ask.json() as { thresholds: { support?: number | null; source?: number | null } }
  ).thresholds;
  assert.deepEqual(gates, output.after.thresholds);
  assert.equal(support, null);
  assert.equal(source, null);

  await writeFile(
    labels,
    [
      '{"question": "ok", "expected": null}',
      '{"question": "Lamp?", "expected": {"category": "Lighthouses", "title": "Lantern"}}',
      'not json',
    ].join('\n'),
  );
  const bad = await runCli(['calibrate', '--db', db, '--labels', labels, ...lexical], { GEMMA_RAG_HOME: home });
  assert.equal(bad.exitCode, 2);
  assert.match(bad.stderr, /labels\.jsonl:3: not valid JSON/);
  await writeFile(labels, '{"question": "Lamp?", "expected": {"category": "Lighthouses", "title": "Lantern"}}\n');
  const unknown = await runCli(['calibrate', '--db', db, '--labels', labels, ...lexical], { GEMMA_RAG_HOME: home });
  assert.equal(unknown.exitCode, 2);
  assert.match(unknown.stderr, /labels\.jsonl:1: no document titled "Lantern" in category "Lighthouses"/);
});
