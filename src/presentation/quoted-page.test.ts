import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countGemmaTokens } from '../engines/llama-cpp/gemma3-vocabulary.js';
import { chunkDocument } from '../knowledge/chunking/chunk-document.js';
import { documentFromSections } from '../knowledge/loaders/sections.js';
import { citationLabel } from './cite-location.js';
import { quotedPage } from './quoted-page.js';

// Two short pages become one chunk "pp. 1–2"; an answer taken from page 2 is cited "p. 2".
const pages = [
  'Visitors sign in at reception and wear a badge at all times.',
  'The fire assembly point is the north car park. 火灾集合点在北停车场。',
];

async function twoPageChunk() {
  const document = documentFromSections(
    { category: 'Safety', title: 'Safety handbook', source: '/kb/Safety/handbook.pdf' },
    pages.map((text, index) => ({
      kind: 'text' as const,
      text,
      location: { pages: { from: index + 1, to: index + 1 } },
    })),
  );
  const chunks = await chunkDocument(document, { maxInputTokens: 2048, prefix: '', countTokens: countGemmaTokens });
  assert.equal(chunks.length, 1, 'both short pages fit one chunk');
  const [chunk] = chunks;
  assert.ok(chunk);
  return { ...chunk, title: 'Safety handbook', source: '/kb/Safety/handbook.pdf' };
}

test('a chunk spanning pages records where each later page begins', async () => {
  const chunk = await twoPageChunk();
  assert.deepEqual(chunk.location?.pages, { from: 1, to: 2 });
  const [second] = chunk.location?.pageStarts ?? [];
  assert.equal(second?.page, 2);
  assert.ok(chunk.text.slice(second?.offset).startsWith('The fire assembly point'));
});

test('the citation names the page the answer quotes, in English or Chinese; else the whole range', async () => {
  const chunk = await twoPageChunk();
  assert.equal(citationLabel(chunk), 'handbook.pdf pp. 1–2');
  const english = quotedPage(chunk, 'Go to the north car park, the fire assembly point.');
  assert.equal(english, 2);
  assert.equal(citationLabel({ ...chunk, quotedPage: english }), 'handbook.pdf p. 2');
  assert.equal(quotedPage(chunk, '火灾时请到北停车场集合。'), 2);
  assert.equal(quotedPage(chunk, 'Sign in at reception and wear your badge.'), 1);
  assert.equal(quotedPage(chunk, 'I do not know.'), undefined, 'no page stands out');
  assert.equal(quotedPage({ ...chunk, location: { pages: { from: 3, to: 3 } } }, 'north car park'), undefined);
});
