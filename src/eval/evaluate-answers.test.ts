import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { writeSquadFixture } from '../../test/fixtures/squad-fixture.js';
import { temporaryFolder } from '../../test/fixtures/temporary-files.js';
import { createRag } from '../app/rag.js';
import { inProcessEngines } from '../engines/registry.js';
import type { GenerateOptions, LanguageModel } from '../spec/language-model.js';
import { AnswerCache } from './answer-cache.js';
import { loadAnswerSet } from './answer-sets.js';
import { evaluateAnswers } from './evaluate-answers.js';
import { formatAnswersReport } from './format-answers-report.js';

/**
 * A model whose answers the test chooses per question: it reads the question back out of the
 * prompt it was given, so a wrong prompt (no question in it) gives a wrong answer.
 */
class AnsweringModel implements LanguageModel {
  readonly engine = 'scripted';
  readonly modelId = 'answering';
  calls = 0;
  constructor(private readonly answers: ReadonlyArray<readonly [string, string]>) {}

  async *generate(options: GenerateOptions): AsyncIterable<string> {
    this.calls++;
    const prompt = options.messages.map((message) => message.content).join('\n');
    const answer = this.answers.find(([question]) => prompt.includes(question))?.[1] ?? 'I do not follow.';
    options.onUsage?.({ promptTokens: prompt.length, completionTokens: 5 });
    yield answer.slice(0, 3);
    yield answer.slice(3);
  }

  async dispose(): Promise<void> {}
}

const scripted = [
  ['Who climbs the tower every evening', 'The lighthouse keeper does.'],
  ['What was sounded when thick fog', 'A bell.'],
  ['What mixture do wild yeast', "I don't know."],
  ['Why do bakers fold the dough', 'To build strength.'],
  ['When do tide pools form', 'At low tide.'],
  ['Which animals live in tide pools', 'Sea stars, anemones and small crabs.'],
] as const;

test('eval answers scores each answer against its gold answers, counts refusals by gate and model, and reuses cached answers', async (t) => {
  const folder = await temporaryFolder(t);
  await writeSquadFixture(folder);
  const set = await loadAnswerSet({
    kind: 'xquad',
    directory: folder,
    lang: 'en',
    kbLang: 'en',
    answerable: 10,
    unanswerable: 10,
    heldOut: 0.34,
    seed: 3,
  });
  assert.equal(set.questions.filter((question) => question.gold).length, 4, 'two of three articles stay');
  assert.equal(set.questions.filter((question) => !question.gold).length, 2);
  const model = new AnsweringModel(scripted);
  await using rag = await createRag(
    { engine: 'lexical', documentThreshold: 0.2, categoryThreshold: 0.2 },
    { engines: { ...inProcessEngines, loadLanguageModel: async () => model } },
  );
  const cache = await AnswerCache.open(`${folder}/answers.jsonl`);
  const first = await evaluateAnswers(rag, { set, prompts: ['sandwich', 'seed'], model: 'answering', cache });
  const summary = first.summaries[0];
  assert.ok(summary);
  assert.equal(summary.answerable, 4);
  const rows = first.questions.filter((row) => row.prompt === 'sandwich' && row.answerable);
  for (const row of rows) {
    const expected = scripted.find(([question]) => row.question.startsWith(question))?.[1];
    const right = [
      'The lighthouse keeper does.',
      'To build strength.',
      'At low tide.',
      'Sea stars, anemones and small crabs.',
    ];
    if (row.citedGold && row.refusedBy === null) {
      assert.equal(row.answer, expected);
      assert.equal(row.containsGold, right.includes(row.answer), row.question);
    }
    if (row.refusedBy === 'model') assert.equal(row.answer, "I don't know.");
  }
  const correct = rows.filter((row) => row.containsGold).length;
  assert.equal(summary.containsGold, correct / 4);
  assert.ok(correct >= 1, formatAnswersReport(first));
  for (const row of first.questions.filter((row) => !row.answerable)) {
    assert.equal(row.goldInContext, false);
    if (row.refusedBy === null) assert.equal(row.containsGold, false);
  }
  assert.equal(
    summary.answeredWithoutGoldCount,
    first.questions.filter((row) => row.prompt === 'sandwich' && row.refusedBy === null && !row.goldInContext).length,
  );
  assert.equal(summary.promptTokens !== null && summary.promptTokens > 0, model.calls > 0);
  const generated = model.calls;
  assert.equal(cache.size, generated, 'every generated answer is cached');

  // Again: nothing is generated, and the scores are the same.
  const reopened = await AnswerCache.open(`${folder}/answers.jsonl`);
  const second = await evaluateAnswers(rag, {
    set,
    prompts: ['sandwich', 'seed'],
    model: 'answering',
    cache: reopened,
    chartsFolder: `${folder}/charts`,
  });
  assert.equal(model.calls, generated);
  const [chart] = second.charts ?? [];
  assert.ok(chart?.endsWith('.svg'));
  const svg = await readFile(chart ?? '', 'utf8');
  assert.match(svg, /^<svg /);
  for (const prompt of ['sandwich', 'seed']) assert.match(svg, new RegExp(`>${prompt}</text>`));
  assert.match(svg, new RegExp(`>${Math.round(100 * (second.summaries[0]?.containsGold ?? 0))}%</text>`));
  assert.deepEqual(
    second.summaries.map((row) => [row.containsGold, row.f1, row.unanswerableRefused]),
    first.summaries.map((row) => [row.containsGold, row.f1, row.unanswerableRefused]),
  );
  assert.equal(
    second.questions.filter((row) => row.generation).every((row) => row.cached),
    true,
  );

  // Another model (or prompt version, or setting) never reuses them.
  await evaluateAnswers(rag, { set, prompts: ['sandwich'], model: 'another', cache: reopened });
  assert.ok(model.calls > generated);
  assert.match(formatAnswersReport(second), /\| sandwich \| \d+% \|/);
});
