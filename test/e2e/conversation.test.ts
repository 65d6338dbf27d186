import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AskJson } from '../../src/presentation/ask-json.js';
import { FakeModelServer } from '../fixtures/fake-model-server.js';
import { runCli } from '../fixtures/run-cli.js';
import { parseServerSentEvents, startTestServer, type TestServer } from '../fixtures/test-server.js';

// Follow-up questions end to end, on the example knowledge base with the lexical stand-in for
// retrieval and a scripted language model behind a local OpenAI-compatible server: the condense
// step's rewrite is chosen by the test, so what retrieval and the refusal gate see is known.
const rewrites = new Map<string, string>([
  ['and for interns?', 'How many days of annual leave do interns get?'],
  ['what about it?', '今天天气怎么样？'],
  ['实习生呢？', '实习生的年假有几天？'],
]);
const condensePrompt = /FOLLOW-UP QUESTION: (.*)$|后续问题: (.*)$/s;

let models: FakeModelServer;
let server: TestServer;
before(async () => {
  models = await FakeModelServer.start({
    replyFor: (messages) => {
      const followUp = condensePrompt.exec(messages.at(-1)?.content ?? '');
      if (!followUp) return 'GROUNDED ANSWER';
      return rewrites.get((followUp[1] ?? followUp[2] ?? '').trim()) ?? 'UNSCRIPTED';
    },
  });
  server = await startTestServer({ config: languageModelConfig(), generate: true });
});
after(async () => {
  await server?.close();
  await models?.close();
});

function languageModelConfig() {
  return {
    engine: 'lexical' as const,
    generationEngine: 'openai-compatible' as const,
    generationBaseUrl: models.baseUrl,
    generationModel: 'gemma3:4b',
  };
}

const chatFlags = () => [
  'ask',
  '--chat',
  '--engine',
  'lexical',
  '--generation-engine',
  'openai-compatible',
  '--generation-base-url',
  models.baseUrl,
  '--generation-model',
  'gemma3:4b',
  '--json',
];

function jsonLines(stdout: string): AskJson[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AskJson);
}

test('ask --chat: a follow-up is rewritten by the language model before retrieval; /new clears the thread', async () => {
  const run = await runCli(
    chatFlags(),
    {},
    'How many days of annual leave do I get?\nand for interns?\n/new\nand for interns?\n/exit\nnever asked\n',
  );
  assert.equal(run.exitCode, 0, run.stderr);
  const [first, followUp, fresh, ...rest] = jsonLines(run.stdout);
  assert.equal(rest.length, 0, 'nothing after /exit');
  assert.equal(first?.condensed, null);
  assert.equal(first?.document?.title, 'Annual leave allowance');
  assert.equal(followUp?.question, 'and for interns?');
  assert.deepEqual(followUp?.condensed, {
    standalone: 'How many days of annual leave do interns get?',
    method: 'language-model',
    turns: 1,
  });
  assert.equal(followUp?.document?.title, 'Annual leave allowance');
  assert.equal(followUp?.answer, 'GROUNDED ANSWER');
  // The answer is grounded on the standalone question (the refused last question called no model).
  const answerPrompt = models.lastChatMessages()?.at(-1)?.content ?? '';
  assert.match(answerPrompt, /QUESTION: How many days of annual leave do interns get\?(\n|$)/);
  // After /new the same words have no thread to lean on: searched as asked, and refused.
  assert.equal(fresh?.condensed, null);
  assert.equal(fresh?.refused, true);
});

test('the refusal gate judges the rewritten question, not the follow-up joined to the thread', async () => {
  const run = await runCli(chatFlags(), {}, 'How many days of annual leave do I get?\nwhat about it?\n');
  assert.equal(run.exitCode, 0, run.stderr);
  const [, followUp] = jsonLines(run.stdout);
  assert.equal(followUp?.condensed?.standalone, '今天天气怎么样？');
  assert.equal(followUp?.refused, true);
  assert.equal(
    followUp?.answer,
    'Sorry, I could not find a document in the knowledge base that answers this question.',
  );

  // The same thread without a language model joins the previous question, which does find the document.
  const joined = await runCli(
    ['ask', '--chat', '--engine', 'lexical', '--no-generate', '--json'],
    {},
    'How many days of annual leave do I get?\nwhat about it?\n',
  );
  const [, withoutModel] = jsonLines(joined.stdout);
  assert.deepEqual(withoutModel?.condensed, {
    standalone: 'How many days of annual leave do I get? what about it?',
    method: 'previous-question',
    turns: 1,
  });
  assert.equal(withoutModel?.refused, false);
  assert.equal(withoutModel?.document?.title, 'Annual leave allowance');
});

test('ask --chat --explain shows how the follow-up was understood', async () => {
  const run = await runCli(
    ['ask', '--chat', '--engine', 'lexical', '--no-generate', '--explain'],
    {},
    '年假有几天？\n实习生呢？\n',
  );
  assert.equal(run.exitCode, 0, run.stderr);
  assert.match(
    run.stderr,
    /Follow-up, joined to the previous question \(no language model\):\n {2}年假有几天？ 实习生呢？/,
  );
});

test('POST /api/ask with history: the standalone question is searched and reported, streamed or not', async () => {
  const history = [{ question: '年假有几天？', answer: '正式员工第一年有 12 天带薪年假。' }];
  const response = await fetch(`${server.url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: '实习生呢？', history }),
  });
  assert.equal(response.status, 200);
  const body = (await response.json()) as AskJson;
  assert.deepEqual(body.condensed, { standalone: '实习生的年假有几天？', method: 'language-model', turns: 1 });
  assert.equal(body.document?.title, '年假规定');
  const condense = models.requests.findLast((request) => JSON.stringify(request.body).includes('后续问题: 实习生呢？'));
  assert.match(JSON.stringify(condense?.body), /用户: 年假有几天？\\n助手: 正式员工第一年有 12 天带薪年假。/);

  const streamed = await fetch(`${server.url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: '实习生呢？', history, stream: true }),
  });
  const events = parseServerSentEvents(await streamed.text());
  const retrieval = JSON.parse(events.find((event) => event.event === 'retrieval')?.data ?? '{}');
  assert.deepEqual(retrieval.condensed, { standalone: '实习生的年假有几天？', method: 'language-model' });
  const result = JSON.parse(events.find((event) => event.event === 'result')?.data ?? '{}') as AskJson;
  assert.equal(result.condensed?.standalone, '实习生的年假有几天？');

  // generate: false combines with the previous question instead of calling the model.
  const before = models.requests.length;
  const extractive = await fetch(`${server.url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: '实习生呢？', history, generate: false }),
  });
  assert.equal(((await extractive.json()) as AskJson).condensed?.standalone, '年假有几天？ 实习生呢？');
  assert.equal(models.requests.length, before);
});

test('POST /api/ask refuses history that is too long or malformed (400, INVALID_ARGUMENT)', async () => {
  const bodies = [
    { question: 'q', history: Array(21).fill({ question: 'a', answer: 'b' }) },
    { question: 'q', history: [{ question: '' }] },
    { question: 'q', history: [{ question: 'a', role: 'system' }] },
    { question: 'q', history: 'not a list' },
    { question: 'q', history: [{ question: 'a', answer: 'x'.repeat(16_001) }] },
  ];
  for (const body of bodies) {
    const response = await fetch(`${server.url}/api/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 400, JSON.stringify(body).slice(0, 80));
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'INVALID_ARGUMENT');
  }
});

test('ask --chat through a pipe labels each answer with its question (the questions are not on the screen)', async () => {
  const run = await runCli(
    ['ask', '--chat', '--engine', 'lexical', '--no-generate'],
    {},
    '年假有几天？\nHow do I reset my password?\n',
  );
  assert.equal(run.exitCode, 0, run.stderr);
  assert.match(
    run.stdout,
    /^Q: 年假有几天？\nA: 正式员工.+\nQ: How do I reset my password\?\nA: If you forget your password/s,
  );
  assert.doesNotMatch(run.stderr, /^Q: /m, 'labels go with the answers, on stdout');
  const json = await runCli(['ask', '--chat', '--engine', 'lexical', '--no-generate', '--json'], {}, '年假有几天？\n');
  assert.doesNotMatch(json.stdout, /^Q: /m, 'JSON lines stay JSON');
});
