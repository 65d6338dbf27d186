import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../test/fixtures/run-cli.js';
import { embeddingGemma } from '../embedding/model-profiles.js';
import type { AskJson } from '../presentation/ask-json.js';

let directory: string;
let home: string;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gemma-rag-cli-'));
  home = join(directory, 'home');
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

const lexical = ['--engine', 'lexical'];
const norm = (vector: number[]) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));

test("prompts --json prints the default profile's 14 named prompts", async () => {
  const run = await runCli(['prompts', '--json']);
  assert.equal(run.exitCode, 0);
  assert.deepEqual(run.json(), embeddingGemma.prompts);
  const second = (await runCli(['prompts', '--model-profile', 'embeddinggemma-2', '--json'])).json();
  assert.equal(second.SearchQuery, 'task: search result | query: ');
  assert.equal(second.Summarization, 'task: sentence similarity | query: ');
  const all = (await runCli(['prompts', '--all', '--json'])).json();
  assert.equal(all.QuestionAnswering, 'task: question answering | query: ');
});

test('embed --json: engine labelled, dimensions, prompt and unit vectors', async () => {
  const run = await runCli(['embed', 'hello', '世界', ...lexical, '--json']);
  assert.equal(run.exitCode, 0, run.stderr);
  const output = run.json() as {
    engine: string;
    model: string;
    dimensions: number;
    prompt: string;
    embeddings: number[][];
  };
  assert.equal(output.engine, 'lexical (not EmbeddingGemma)');
  assert.equal(output.dimensions, 768);
  assert.equal(output.prompt, '');
  assert.equal(output.embeddings.length, 2);
  for (const vector of output.embeddings) {
    assert.equal(vector.length, 768);
    assert.ok(Math.abs(norm(vector) - 1) < 1e-5);
  }
});

test('embed with --dimensions 256 and a named prompt', async () => {
  const run = await runCli([
    'embed',
    'reset password',
    '--prompt-name',
    'query',
    '--dimensions',
    '256',
    ...lexical,
    '--json',
  ]);
  const output = run.json() as { dimensions: number; prompt: string; embeddings: number[][] };
  assert.equal(output.dimensions, 256);
  assert.equal(output.prompt, 'task: search result | query: ');
  assert.equal(output.embeddings[0]?.length, 256);
  assert.ok(Math.abs(norm(output.embeddings[0] ?? []) - 1) < 1e-5);
  const titled = (await runCli(['embed', 'x', '--title', 'Passwords', ...lexical, '--json'])).json();
  assert.equal(titled.prompt, 'title: Passwords | text: ');
});

test('embed --title "" (or blank) embeds as "title: none", the same vector as no title at all', async () => {
  const none = (await runCli(['embed', 'x', '--title', 'none', ...lexical, '--json'])).json();
  for (const blank of ['', '   ']) {
    const run = (await runCli(['embed', 'x', '--title', blank, ...lexical, '--json'])).json();
    assert.equal(run.prompt, 'title: none | text: ');
    assert.deepEqual(run.embeddings, none.embeddings);
  }
});

for (const bad of ['0', '1000', 'abc']) {
  test(`--dimensions ${bad} exits 2 and names the value`, async () => {
    const run = await runCli(['embed', 'hello', ...lexical, '--dimensions', bad]);
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, new RegExp(`Invalid dimensions "${bad}": expected a whole number from 1 to 768`));
    assert.equal(run.stdout, '');
  });
}

test('an unknown prompt name exits 2 and lists the known names', async () => {
  const run = await runCli(['embed', 'hello', ...lexical, '--prompt-name', 'Nope']);
  assert.equal(run.exitCode, 2);
  assert.match(run.stderr, /Unknown prompt name "Nope".*Known names: query, document/);
});

test('ask --engine lexical --no-generate answers from the password document, offline (the seed’s two stages)', async () => {
  const run = await runCli(['ask', '如何重置密码？', ...lexical, '--mode', 'two-stage', '--no-generate', '--json']);
  assert.equal(run.exitCode, 0, run.stderr);
  const output = run.json() as unknown as AskJson;
  assert.equal(output.question, '如何重置密码？');
  assert.equal(output.mode, 'two-stage');
  assert.equal(output.engine, 'lexical (not EmbeddingGemma)');
  assert.match(output.category?.name ?? '', /IT/);
  assert.equal(typeof output.category?.score, 'number');
  assert.equal(output.document?.title, '账户密码重置');
  assert.match(output.document?.category ?? '', /IT/);
  assert.equal(output.refused, false);
  assert.match(output.answer, /https:\/\/password\.example\.com/);
  assert.equal(output.scores.categories.length, 4);
  assert.equal(output.scores.documents.length, 6);
  assert.deepEqual(Object.keys(output.scores.documents[0] ?? {}).sort(), ['category', 'score', 'title']);
});

test('ask streams the answer for people and says where it came from, and which route ran', async () => {
  const run = await runCli(['ask', 'How do I book a meeting room?', ...lexical, '--no-generate', '--explain']);
  assert.equal(run.exitCode, 0);
  assert.match(run.stdout, /Find a room/);
  assert.match(run.stderr, /not EmbeddingGemma/);
  assert.match(run.stderr, /route: hybrid — every document, vector and keyword \(BM25\) ranks fused/);
  assert.match(run.stderr, /Source: "Booking meeting rooms"/);
  const seed = await runCli([
    'ask',
    'How do I book a meeting room?',
    ...lexical,
    '--mode',
    'two-stage',
    '--no-generate',
    '--explain',
  ]);
  assert.match(seed.stderr, /route: two-stage — best category, then its best document/);
  assert.match(seed.stderr, /Stage 1 — categories/);
});

test('an unrelated question is refused without touching the language model', async () => {
  // The generation model does not exist: loading it would fail, so success proves it was never loaded.
  const missingModel = join(directory, 'does-not-exist.gguf');
  const run = await runCli(['ask', '今天天气怎么样？', ...lexical, '--generation-model', missingModel, '--json']);
  assert.equal(run.exitCode, 0, run.stderr);
  const output = run.json() as unknown as AskJson;
  assert.equal(output.refused, true);
  assert.equal(output.document, null);
  assert.equal(output.answer, '抱歉，知识库中没有找到能回答这个问题的文档。');
  // Control: a question that is answered does try to load that model.
  const answered = await runCli(['ask', '如何重置密码？', ...lexical, '--generation-model', missingModel]);
  assert.equal(answered.exitCode, 3);
  assert.match(answered.stderr, /Model file not found: .*does-not-exist\.gguf/);
});

test('with no engine and no models offline: a clear error saying how to get them, no download', async () => {
  const run = await runCli(['ask', '如何重置密码？'], { GEMMA_RAG_HOME: home, GEMMA_RAG_EMBEDDING_MODEL: '' });
  assert.equal(run.exitCode, 3);
  assert.match(
    run.stderr,
    /embedding model "embeddinggemma" \(hf:ggml-org\/embeddinggemma-300M-GGUF:Q8_0\) is not downloaded yet/,
  );
  assert.match(run.stderr, /gemma-rag pull \(or add --pull/);
  assert.match(run.stderr, /--embedding-model FILE\.gguf +or +GEMMA_RAG_EMBEDDING_MODEL=FILE\.gguf/);
  assert.match(run.stderr, /--generation-model FILE\.gguf +or +GEMMA_RAG_GENERATION_MODEL=FILE\.gguf/);
  assert.match(run.stderr, /answering: Gemma 3 4B .*2\.49 GB/, 'the answering model is named too');
  assert.match(run.stderr, /--no-generate/);
  assert.match(run.stderr, /--engine lexical/);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
});

test('--json errors are also JSON on stdout, with the stable code', async () => {
  const run = await runCli(['ask', '如何重置密码？', '--json'], {
    GEMMA_RAG_HOME: home,
    GEMMA_RAG_EMBEDDING_MODEL: '',
  });
  assert.equal(run.exitCode, 3);
  assert.equal((run.json().error as { code: string }).code, 'MODEL_NOT_FOUND');
});

test('bad input exits 2 with a message naming it', async () => {
  const empty = await runCli(['ask', '  ', ...lexical]);
  assert.equal(empty.exitCode, 2);
  assert.match(empty.stderr, /question is empty/);

  const invalidJson = join(directory, 'invalid.json');
  await writeFile(invalidJson, '[\n  { "category": "IT",\n    "documents": [ } ]\n]');
  const invalid = await runCli(['ask', 'hello', ...lexical, '--kb', invalidJson]);
  assert.equal(invalid.exitCode, 2);
  assert.match(invalid.stderr, /invalid\.json is not valid JSON at line 3, column \d+/);

  const emptyCategory = join(directory, 'empty-category.json');
  await writeFile(emptyCategory, '[{ "category": "IT", "documents": [] }]');
  const emptyRun = await runCli(['ask', 'hello', ...lexical, '--kb', emptyCategory]);
  assert.equal(emptyRun.exitCode, 2);
  assert.match(
    emptyRun.stderr,
    /empty-category\.json is not a valid knowledge base.*category 1 \("IT"\), "documents": a category needs at least one document/s,
  );

  const missing = await runCli(['ask', 'hello', ...lexical, '--kb', join(directory, 'nope.json')]);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /nope\.json: the file does not exist/);

  const threshold = await runCli(['ask', 'hello', ...lexical, '--threshold', 'high']);
  assert.equal(threshold.exitCode, 2);
  assert.match(threshold.stderr, /--threshold must be a similarity between -1 and 1/);

  const support = await runCli(['ask', 'hello', ...lexical, '--support-threshold', 'strict']);
  assert.equal(support.exitCode, 2);
  assert.match(support.stderr, /--support-threshold must be a similarity between -1 and 1/);

  const unknownOption = await runCli(['ask', 'hello', '--frobnicate']);
  assert.equal(unknownOption.exitCode, 2);
  assert.match(unknownOption.stderr, /unknown option '--frobnicate'/);

  const unknownEngine = await runCli(['ask', 'hello', '--engine', 'magic']);
  assert.equal(unknownEngine.exitCode, 2);
  assert.match(unknownEngine.stderr, /Allowed choices are llama-cpp, lexical/);
});

test('search --json ranks documents', async () => {
  const run = await runCli(['search', 'expense claim deadline', ...lexical, '--top-k', '3', '--json']);
  assert.equal(run.exitCode, 0);
  const results = run.json().results as Array<{ title: string; category: string; score: number }>;
  assert.equal(results.length, 3);
  assert.equal(results[0]?.title, 'Expense claim deadline');
  assert.ok((results[0]?.score ?? 0) >= (results[1]?.score ?? 1));
  assert.equal((await runCli(['search', 'x', ...lexical, '--top-k', '0'])).exitCode, 2);
});

test('a custom knowledge base file is used', async () => {
  const path = join(directory, 'kb.json');
  await writeFile(
    path,
    JSON.stringify([
      {
        category: 'Garden: tomatoes, flowers, watering',
        documents: [{ title: 'Watering', content: 'Water the tomatoes every morning.' }],
      },
      { category: 'Kitchen: bread, baking', documents: [{ title: 'Bread', content: 'Bake bread at 220 degrees.' }] },
    ]),
  );
  const run = await runCli([
    'ask',
    'When should I water the tomatoes?',
    ...lexical,
    '--no-generate',
    '--kb',
    path,
    '--json',
  ]);
  assert.equal(run.exitCode, 0, run.stderr);
  assert.equal((run.json().document as { title: string }).title, 'Watering');
});

test('hybrid mode, category fallback and relative cut-off from the command line', async () => {
  const hybrid = await runCli([
    'ask',
    'How do I reset my password?',
    ...lexical,
    '--mode',
    'hybrid',
    '--no-generate',
    '--json',
  ]);
  assert.equal(hybrid.exitCode, 0, hybrid.stderr);
  const output = hybrid.json() as unknown as AskJson;
  assert.equal(output.mode, 'hybrid');
  assert.equal(output.hybrid, true);
  assert.equal(output.document?.title, 'Resetting your account password');
  assert.ok((output.scores.documents[0]?.keywordScore ?? 0) > 0);
  const twoStage = (
    await runCli([
      'ask',
      '如何重置密码？',
      ...lexical,
      '--mode',
      'two-stage',
      '--hybrid',
      '--category-fallback',
      '2',
      '--no-generate',
      '--json',
    ])
  ).json() as unknown as AskJson;
  assert.equal(twoStage.mode, 'two-stage');
  assert.equal(twoStage.hybrid, true);
  assert.equal(twoStage.document?.title, '账户密码重置');
  assert.ok(twoStage.searchedCategories.length >= 1);
  const search = (
    await runCli(['search', '报销', ...lexical, '--mode', 'hybrid', '--relative-cutoff', '0.5', '--json'])
  ).json() as {
    mode: string;
    results: Array<{ title: string; score: number }>;
  };
  assert.equal(search.mode, 'hybrid');
  assert.equal(search.results[0]?.title, '费用报销截止时间');
  for (const result of search.results) assert.ok(result.score >= 0.5 * (search.results[0]?.score ?? 0));
  for (const [flag, value] of [
    ['--category-fallback', '0'],
    ['--category-margin', '2'],
    ['--relative-cutoff', 'x'],
  ] as const) {
    const bad = await runCli(['ask', 'hello', ...lexical, '--mode', 'two-stage', flag, value]);
    assert.equal(bad.exitCode, 2, `${flag} ${value}`);
    assert.match(bad.stderr, new RegExp(flag));
  }
});
