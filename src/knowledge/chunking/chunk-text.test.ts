import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countGemmaTokens } from '../../engines/llama-cpp/gemma3-vocabulary.js';
import { chunkText } from './chunk-text.js';
import { splitIntoPieces } from './split-text.js';
import { elideUnbrokenRuns } from './unbroken-runs.js';

const prefix = 'title: 年假规定 | text: ';

test('pieces end at Chinese, Japanese and Latin sentence ends, and rejoin to the original', () => {
  const text =
    '第一句。第二句！第三句？第四句；第五句\n\nパスワードを忘れました。再設定してください。 First sentence. Second one!';
  const pieces = splitIntoPieces(text);
  assert.equal(pieces.join(''), text);
  assert.ok(pieces.includes('第一句。'));
  assert.ok(pieces.some((piece) => piece.startsWith('第四句；')));
  assert.ok(pieces.some((piece) => piece.trim() === 'First sentence.'));
  assert.ok(pieces.length >= 8);
});

test('a 100,000-character Chinese document yields chunks that all fit the 2048-token limit with their prompt', async () => {
  const sentence = '员工每年可以享受带薪年假，具体天数根据工作年限确定，未休完的假期可以结转到下一年度使用。';
  const text = sentence.repeat(Math.ceil(100_000 / sentence.length)).slice(0, 100_000);
  const chunks = await chunkText(text, { maxInputTokens: 2048, prefix, countTokens: countGemmaTokens });
  assert.ok(chunks.length > 10);
  const counts = await countGemmaTokens(chunks.map((chunk) => prefix + chunk.text));
  for (const [index, chunk] of chunks.entries()) {
    assert.equal(chunk.position, index);
    assert.equal(chunk.tokens, counts[index]);
    assert.ok(chunk.tokens <= 2048, `chunk ${index} has ${chunk.tokens} tokens`);
    assert.ok(chunk.tokens <= 512 + 16, `chunk ${index} exceeds the target: ${chunk.tokens}`);
    assert.ok(text.includes(chunk.text), 'chunks are substrings of the document');
  }
  // Together the chunks cover the whole document.
  assert.ok(chunks.at(-1)?.text.endsWith(text.slice(-20).trim()));
});

test('text without any punctuation is still split to fit', async () => {
  const text = '密码'.repeat(30_000);
  const chunks = await chunkText(text, {
    maxInputTokens: 2048,
    prefix,
    countTokens: countGemmaTokens,
    targetTokens: 1500,
  });
  assert.ok(chunks.length > 1);
  for (const chunk of chunks) assert.ok(chunk.tokens <= 2048);
  assert.equal(chunks.map((chunk) => chunk.text).join(''), text);
});

test('neighbouring chunks overlap by whole sentences within the overlap budget', async () => {
  const sentences = Array.from({ length: 60 }, (_, index) => `This is sentence number ${index} about annual leave. `);
  const chunks = await chunkText(sentences.join(''), {
    maxInputTokens: 2048,
    prefix,
    countTokens: countGemmaTokens,
    targetTokens: 100,
    overlapTokens: 30,
  });
  assert.ok(chunks.length >= 5);
  for (let index = 1; index < chunks.length; index++) {
    const previousLast = (chunks[index - 1]?.text ?? '').split('. ').at(-1) ?? '';
    assert.ok(chunks[index]?.text.includes(previousLast.replace(/\.$/, '')), `chunk ${index} does not overlap`);
  }
});

test('target and limit: the smaller wins; a short document is one chunk', async () => {
  const short = await chunkText('年假十二天。', { maxInputTokens: 2048, prefix, countTokens: countGemmaTokens });
  assert.deepEqual(
    short.map((chunk) => chunk.text),
    ['年假十二天。'],
  );
  const tight = await chunkText('word '.repeat(400), {
    maxInputTokens: 64,
    prefix,
    countTokens: countGemmaTokens,
    targetTokens: 512,
  });
  for (const chunk of tight) assert.ok(chunk.tokens <= 64);
});

test('a title so long that nothing fits is an INPUT_TOO_LONG error', async () => {
  await assert.rejects(
    chunkText('text', {
      maxInputTokens: 20,
      prefix: `title: ${'long '.repeat(30)}| text: `,
      countTokens: countGemmaTokens,
    }),
    { code: 'INPUT_TOO_LONG' },
  );
});

test('a run of 300,000 characters without a sentence end is tokenized about twice, not four times', async () => {
  const text = '我们的公司规定员工每年有十二天年假'.repeat(300_000 / 17);
  let counted = 0;
  const started = performance.now();
  const chunks = await chunkText(text, {
    maxInputTokens: 2048,
    prefix,
    countTokens: (texts) => {
      counted += texts.reduce((sum, piece) => sum + piece.length, 0);
      return countGemmaTokens(texts);
    },
  });
  console.log(
    `300,000 CJK characters without a break: ${chunks.length} chunks in ${(performance.now() - started).toFixed(0)} ms, ${counted} characters tokenized`,
  );
  assert.equal(chunks.map((chunk) => chunk.text).join(''), text, 'every character kept, in order');
  assert.ok(counted < 2.2 * text.length, `${counted} characters tokenized for ${text.length}`);
});

test('runs of thousands of characters without a space (base64, hex, minified code) are left out with a note; CJK is kept', () => {
  const base64 = 'QUJD'.repeat(75_000);
  const elided = elideUnbrokenRuns(`Before.\n${base64}\nAfter.`);
  assert.equal(elided, 'Before.\n[300000 characters without a space left out]\nAfter.');
  const url = `https://example.com/${'a'.repeat(2000)}`;
  assert.equal(elideUnbrokenRuns(url), url, 'a long URL is still text');
  const cjk = '年假'.repeat(10_000);
  assert.equal(elideUnbrokenRuns(cjk), cjk);
});
