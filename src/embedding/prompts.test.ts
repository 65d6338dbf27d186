import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { embeddingGemma, embeddingGemma2 } from './model-profiles.js';
import { documentPrompt, promptNames, promptTitle, resolvePromptPrefix } from './prompts.js';

test('named prompts resolve from the profile table', () => {
  assert.equal(
    resolvePromptPrefix(embeddingGemma, { kind: 'named', name: 'Classification' }),
    'task: classification | query: ',
  );
  assert.equal(
    resolvePromptPrefix(embeddingGemma2, { kind: 'named', name: 'CodeRetrieval' }),
    'task: code retrieval | query: ',
  );
});

test("the card's unnamed prompts are reachable where the table lacks them", () => {
  assert.equal(
    resolvePromptPrefix(embeddingGemma, { kind: 'named', name: 'QuestionAnswering' }),
    'task: question answering | query: ',
  );
  assert.equal(
    resolvePromptPrefix(embeddingGemma, { kind: 'named', name: 'FactChecking' }),
    'task: fact checking | query: ',
  );
  assert.ok(promptNames(embeddingGemma).includes('FactChecking'));
});

test('documents with a real title use it; without one, "none"', () => {
  assert.equal(resolvePromptPrefix(embeddingGemma, documentPrompt('年假规定')), 'title: 年假规定 | text: ');
  assert.equal(resolvePromptPrefix(embeddingGemma, documentPrompt('  ')), 'title: none | text: ');
  assert.equal(resolvePromptPrefix(embeddingGemma, documentPrompt(undefined)), 'title: none | text: ');
  // A pipe in a title would read as the scaffold's separator.
  assert.equal(resolvePromptPrefix(embeddingGemma, documentPrompt('A | B')), 'title: A / B | text: ');
});

test('an empty or blank title becomes "none" however the prompt is built; line breaks in a title fold to spaces', () => {
  for (const title of ['', ' ', '\t\n ', '\u3000']) {
    assert.equal(
      resolvePromptPrefix(embeddingGemma, { kind: 'document', title }),
      'title: none | text: ',
      JSON.stringify(title),
    );
    assert.equal(resolvePromptPrefix(embeddingGemma, documentPrompt(title)), 'title: none | text: ');
    assert.equal(promptTitle(title), 'none');
  }
  assert.equal(resolvePromptPrefix(embeddingGemma, { kind: 'document', title: 'a\nb' }), 'title: a b | text: ');
});

test('a title longer than 200 characters is cut where it enters a prompt, never mid-character', () => {
  const title = promptTitle('年'.repeat(150) + '😀'.repeat(100));
  assert.equal(Array.from(title).length, 201);
  assert.ok(title.endsWith('😀…'));
});

test('custom prompts and no prompt pass through', () => {
  assert.equal(
    resolvePromptPrefix(embeddingGemma, { kind: 'custom', prefix: 'task: x | query: ' }),
    'task: x | query: ',
  );
  assert.equal(resolvePromptPrefix(embeddingGemma, { kind: 'none' }), '');
});

test('an unknown prompt name is an UNKNOWN_PROMPT error listing the known names', () => {
  assert.throws(
    () => resolvePromptPrefix(embeddingGemma, { kind: 'named', name: 'SearchQuery' }),
    (error: unknown) => {
      assert.ok(GemmaRagError.isInstance(error));
      assert.equal(error.code, errorCodes.unknownPrompt);
      assert.match(error.message, /SearchQuery/);
      assert.match(error.message, /Retrieval-query/);
      return true;
    },
  );
  // The same name is valid for EmbeddingGemma 2: tables are per model.
  assert.equal(
    resolvePromptPrefix(embeddingGemma2, { kind: 'named', name: 'SearchQuery' }),
    'task: search result | query: ',
  );
});
