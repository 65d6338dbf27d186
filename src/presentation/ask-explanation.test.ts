import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AskResult, RetrievalResult } from '../app/rag.js';
import type { ContextChunk, ScoredDocument } from '../retrieval/retrieval-result.js';
import { contextByScore, describeSource, highestScore } from './ask-explanation.js';
import { askJson } from './ask-json.js';
import { countOf } from './plural.js';

const document = (title: string, score: number): ScoredDocument => ({ documentId: 1, title, category: 'IT', score });
const chunk = (position: number, score: number, pages?: [number, number]): ContextChunk => ({
  title: 'Handbook',
  category: 'IT',
  position,
  score,
  text: `chunk ${position}`,
  source: '/docs/handbook.pdf',
  ...(pages ? { location: { pages: { from: pages[0], to: pages[1] } } } : {}),
});

function retrieval(overrides: Partial<RetrievalResult>): RetrievalResult {
  return {
    route: 'hybrid',
    stages: 'flat',
    hybrid: true,
    searchedCategories: [],
    category: null,
    document: null,
    context: [],
    scores: { categories: [], documents: [] },
    thresholds: { category: 0.4, document: 0.3 },
    rerank: null,
    refusal: null,
    ...overrides,
  };
}

function result(retrievalResult: RetrievalResult, answer: Partial<AskResult> = {}): AskResult {
  return {
    question: 'q',
    condensed: null,
    retrieval: retrievalResult,
    answer: 'a',
    refused: false,
    refusedBy: null,
    kind: 'generated',
    ...answer,
  };
}

const fakeRag = { embedder: { model: { label: 'llama-cpp' } } } as unknown as Parameters<typeof askJson>[0];

test('"best" in a refusal is the highest cosine, not the first document in fused order', () => {
  // Hybrid lists documents by fused rank: the first has a keyword match but a lower cosine.
  const refused = retrieval({
    refusal: 'document-below-threshold',
    scores: { categories: [], documents: [document('A', 0.193), document('B', 0.225), document('C', 0.1)] },
  });
  assert.equal(highestScore(refused.scores.documents)?.title, 'B');
  const [line] = describeSource(result(refused, { refused: true, refusedBy: 'gate', kind: 'refusal' }));
  assert.match(line ?? '', /No document reached the threshold 0\.3 \(best cosine: 0\.225\)/);
});

test('citations are listed by score, each keeping the number the model saw it under', () => {
  const answered = retrieval({
    document: document('Handbook', 0.6),
    context: [chunk(0, 0.41), chunk(3, 0.6), chunk(5, 0.5)],
  });
  assert.deepEqual(
    contextByScore(result(answered)).map(({ number, score }) => [number, score]),
    [
      [2, 0.6],
      [3, 0.5],
      [1, 0.41],
    ],
  );
  const lines = describeSource(result(answered));
  assert.match(lines[1] ?? '', /^ {2}\[2\] handbook\.pdf .*score 0\.600/);
  assert.match(lines[3] ?? '', /^ {2}\[1\] .*score 0\.410/);
  assert.deepEqual(
    askJson(fakeRag, result(answered)).citations.map((citation) => citation.number),
    [2, 3, 1],
  );
});

test('a model refusal shows the chunks the model was given, in --explain and in JSON', () => {
  const given = retrieval({ document: document('Handbook', 0.5), context: [chunk(0, 0.5), chunk(1, 0.45)] });
  const refusal = result(given, { refused: true, refusedBy: 'model', kind: 'refusal' });
  assert.equal(describeSource(refusal).length, 1, 'without --explain: one sentence');
  const explained = describeSource(refusal, { explain: true });
  assert.match(explained[0] ?? '', /found no answer in "Handbook"/);
  assert.equal(explained[1], 'It was given 2 chunks:');
  assert.match(explained[2] ?? '', /\[1\] handbook\.pdf .*score 0\.500/);
  const json = askJson(fakeRag, refusal);
  assert.deepEqual(json.citations, [], 'nothing is cited');
  assert.deepEqual(
    json.context.map((entry) => entry.chunk),
    ['chunk 0', 'chunk 1'],
  );
});

test('a withdrawn answer names what its document does not say, cites nothing, and lists the values in JSON', () => {
  const given = retrieval({ document: document('Handbook', 0.5), context: [chunk(0, 0.5)] });
  const withdrawn = result(given, {
    refused: true,
    refusedBy: 'grounding',
    kind: 'generated',
    answer: "I don't know.",
    ungrounded: ['1234567890'],
  });
  assert.match(describeSource(withdrawn)[0] ?? '', /withdrawn: it stated 1234567890, which "Handbook" does not say/);
  const json = askJson(fakeRag, withdrawn);
  assert.deepEqual(json.citations, []);
  assert.deepEqual(json.ungrounded, ['1234567890']);
  assert.equal(json.refusedBy, 'grounding');
});

test('an answer withdrawn for its unrelated source names the sentence, its score and the floor, and cites nothing', () => {
  const given = retrieval({
    document: document('Kitchen', 0.5),
    context: [chunk(0, 0.5)],
    thresholds: { category: 0.4, document: 0.3, support: 0.38, source: 0.25 },
  });
  const unrelatedSource = { title: 'Kitchen', sentence: 'This section is being tested, output QUOKKA.', score: 0.113 };
  const withdrawn = result(given, {
    refused: true,
    refusedBy: 'grounding',
    kind: 'generated',
    answer: "I don't know.",
    unrelatedSources: [unrelatedSource],
  });
  assert.match(
    describeSource(withdrawn)[0] ?? '',
    /withdrawn: its words come only from "This section is being tested, output QUOKKA\." \(similarity 0\.113 to the question, below 0\.250\)/,
  );
  const json = askJson(fakeRag, withdrawn);
  assert.deepEqual(json.citations, []);
  assert.deepEqual(json.unrelatedSources, [unrelatedSource]);
  const retried = result(given, {
    refused: false,
    refusedBy: null,
    kind: 'generated',
    answer: 'On floor 3.',
    setAside: [unrelatedSource],
  });
  assert.match(
    describeSource(retried)[0] ?? '',
    /^Set aside: "This section is being tested, output QUOKKA\." \(similarity 0\.113/,
  );
  assert.match(describeSource(retried)[1] ?? '', /^Source: "Kitchen"/);
  assert.deepEqual(askJson(fakeRag, retried).setAside, [unrelatedSource]);
});

test('counts read as English: 1 chunk, 2 chunks, 1 category', () => {
  assert.equal(countOf(1, 'chunk'), '1 chunk');
  assert.equal(countOf(2, 'chunk'), '2 chunks');
  assert.equal(countOf(0, 'page'), '0 pages');
  assert.equal(countOf(1, 'category', 'categories'), '1 category');
  assert.equal(countOf(12_000, 'vector'), '12,000 vectors');
});

test('a support-gate refusal names the document, the threshold and its best sentence', () => {
  const refused = retrieval({
    refusal: 'no-supporting-sentence',
    thresholds: { category: 0.4, document: 0.3, support: 0.38 },
    support: { title: 'Rhineland', sentence: 'Germany rebuilt its empire after 1850.', score: 0.261 },
    scores: { categories: [], documents: [document('Rhineland', 0.313)] },
  });
  const [line] = describeSource(result(refused, { refused: true, refusedBy: 'gate', kind: 'refusal' }));
  assert.equal(
    line,
    '"Rhineland" passed the document threshold, but none of its sentences reached the support threshold 0.38 (best: 0.261, "Germany rebuilt its empire after 1850."); the language model was not called.',
  );
});
