import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  defaultSupportThreshold,
  defaultThresholdsFor,
  embeddingGemma,
  embeddingGemma2,
  profileForGgufArchitecture,
} from './model-profiles.js';

// Exact strings from the model cards (note the trailing spaces); a typo here silently
// degrades retrieval, so every one is pinned.
test('EmbeddingGemma has exactly the 14 named prompts of its card', () => {
  assert.deepEqual(embeddingGemma.prompts, {
    query: 'task: search result | query: ',
    document: 'title: none | text: ',
    BitextMining: 'task: search result | query: ',
    Clustering: 'task: clustering | query: ',
    Classification: 'task: classification | query: ',
    InstructionRetrieval: 'task: code retrieval | query: ',
    MultilabelClassification: 'task: classification | query: ',
    PairClassification: 'task: sentence similarity | query: ',
    Reranking: 'task: search result | query: ',
    Retrieval: 'task: search result | query: ',
    'Retrieval-query': 'task: search result | query: ',
    'Retrieval-document': 'title: none | text: ',
    STS: 'task: sentence similarity | query: ',
    Summarization: 'task: summarization | query: ',
  });
  assert.equal(Object.keys(embeddingGemma.prompts).length, 14);
  assert.deepEqual(embeddingGemma.extraPrompts, {
    QuestionAnswering: 'task: question answering | query: ',
    FactChecking: 'task: fact checking | query: ',
  });
});

test('EmbeddingGemma 2 has its own table, where Summarization means sentence similarity', () => {
  assert.deepEqual(embeddingGemma2.prompts, {
    query: 'task: search result | query: ',
    'Retrieval-query': 'task: search result | query: ',
    Retrieval: 'task: search result | query: ',
    Reranking: 'task: search result | query: ',
    BitextMining: 'task: search result | query: ',
    SearchQuery: 'task: search result | query: ',
    document: 'title: none | text: ',
    Document: 'title: none | text: ',
    'Retrieval-document': 'title: none | text: ',
    Classification: 'task: classification | query: ',
    MultilabelClassification: 'task: classification | query: ',
    Clustering: 'task: clustering | query: ',
    CodeRetrieval: 'task: code retrieval | query: ',
    InstructionRetrieval: 'task: code retrieval | query: ',
    FactChecking: 'task: fact checking | query: ',
    QuestionAnswering: 'task: question answering | query: ',
    STS: 'task: sentence similarity | query: ',
    SentenceSimilarity: 'task: sentence similarity | query: ',
    PairClassification: 'task: sentence similarity | query: ',
    Summarization: 'task: sentence similarity | query: ',
  });
  assert.notEqual(embeddingGemma2.prompts.Summarization, embeddingGemma.prompts.Summarization);
});

test('profiles carry limits, dimensions and the Dense-layer requirement', () => {
  assert.equal(embeddingGemma.maxInputTokens, 2048);
  assert.equal(embeddingGemma2.maxInputTokens, 8192);
  for (const profile of [embeddingGemma, embeddingGemma2]) {
    assert.equal(profile.nativeDimensions, 768);
    assert.deepEqual(profile.matryoshkaDimensions, [768, 512, 256, 128]);
  }
  assert.equal(embeddingGemma.requiresDenseLayers, true);
  assert.equal(embeddingGemma2.requiresDenseLayers, false);
  assert.deepEqual(embeddingGemma.defaultThresholds.twoStage, { category: 0.4, document: 0.4 });
});

test('the GGUF architecture selects the profile', () => {
  assert.equal(profileForGgufArchitecture('gemma-embedding'), embeddingGemma);
  assert.equal(profileForGgufArchitecture('gemma-embedding2'), embeddingGemma2);
  assert.equal(profileForGgufArchitecture('bert'), undefined);
});

test('default thresholds: the seed’s 0.4 gates for two stages; measured document gates by size for the flat routes', () => {
  assert.deepEqual(defaultThresholdsFor(embeddingGemma, 'two-stage', 128), { category: 0.4, document: 0.4 });
  assert.equal(defaultThresholdsFor(embeddingGemma, 'flat', 768).document, 0.3);
  assert.equal(defaultThresholdsFor(embeddingGemma, 'flat', 128).document, 0.38);
  // Between measured sizes: the next larger size's (more permissive) gate; beyond them, the largest's.
  assert.equal(defaultThresholdsFor(embeddingGemma, 'flat', 200).document, 0.34);
  assert.equal(defaultThresholdsFor(embeddingGemma, 'flat', 64).document, 0.38);
});

test("default support gate: measured by size; sizes between take the next larger size's", () => {
  assert.equal(defaultSupportThreshold(embeddingGemma, 768), 0.38);
  assert.equal(defaultSupportThreshold(embeddingGemma, 128), 0.5);
  assert.equal(defaultSupportThreshold(embeddingGemma, 300), 0.4);
});
