import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Embedder } from '../../embedding/embedder.js';
import { embeddingGemma } from '../../embedding/model-profiles.js';
import { cosineSimilarity, dot } from '../../embedding/vector-math.js';
import { LexicalEmbeddingModel } from './lexical-embedding-model.js';

const embedder = new Embedder({ model: new LexicalEmbeddingModel(), profile: embeddingGemma });
const similarity = async (left: string, right: string) =>
  cosineSimilarity(await embedder.embedQuery(left), await embedder.embedQuery(right));

test('labels itself as not EmbeddingGemma', () => {
  const model = new LexicalEmbeddingModel();
  assert.match(model.label, /not EmbeddingGemma/);
  assert.equal(model.dimensions, 768);
});

test('is deterministic: same text, identical vector; across instances too', async () => {
  const first = await embedder.embedQuery('如何重置密码？');
  const second = await new Embedder({ model: new LexicalEmbeddingModel(), profile: embeddingGemma }).embedQuery(
    '如何重置密码？',
  );
  assert.deepEqual(Array.from(first), Array.from(second));
  assert.ok(Math.abs(Math.sqrt(dot(first, first)) - 1) < 1e-6);
});

test('different texts give different vectors', async () => {
  assert.ok((await similarity('reset my password', 'book a meeting room')) < 0.3);
});

test('Chinese: sharing only a two-character word still scores clearly above unrelated text', async () => {
  const related = await similarity('密码', '请在门户网站修改密码。');
  const unrelated = await similarity('密码', '会议室可以在日历里预订。');
  assert.ok(related > 0.3, `related ${related}`);
  assert.ok(related > unrelated + 0.2, `related ${related} vs unrelated ${unrelated}`);
});

test('Japanese and English match on shared words; word forms are folded', async () => {
  assert.ok((await similarity('パスワードを忘れました', 'パスワードの再設定方法')) > 0.3);
  assert.ok((await similarity('booking rooms', 'book a room')) > 0.5);
  assert.ok((await similarity('ＰＡＳＳＷＯＲＤ', 'password')) > 0.99, 'full-width and case are folded');
});

test('task prompts carry no meaning for it; document titles do', async () => {
  const withPrompt = await embedder.embedQuery('reset password', { promptName: 'Classification' });
  const plain = await embedder.embedMany(['reset password'], { prompt: { kind: 'none' } });
  assert.deepEqual(Array.from(withPrompt), Array.from(plain[0] ?? []));
  const titled = await embedder.embedDocument({ title: 'Passwords', content: 'Use the portal.' });
  const untitled = await embedder.embedDocument({ content: 'Use the portal.' });
  assert.ok(
    cosineSimilarity(titled, await embedder.embedQuery('passwords')) >
      cosineSimilarity(untitled, await embedder.embedQuery('passwords')),
  );
});

test('counts Gemma 3 tokens, with <bos> and <eos>, as EmbeddingGemma would', async () => {
  const model = new LexicalEmbeddingModel();
  assert.deepEqual(await model.countTokens({ values: ['hello world', '重置密码 reset now', ''] }), [4, 7, 2]);
});
