import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countGemmaTokens } from '../../engines/llama-cpp/gemma3-vocabulary.js';
import type { LoadedDocument } from '../../spec/document-loader.js';
import type { DocumentSection } from '../../spec/source-location.js';
import { documentFromSections } from '../loaders/sections.js';
import { tableLimits, tableSection } from '../loaders/table-rows.js';
import { chunkDocument } from './chunk-document.js';

const options = { maxInputTokens: 2048, prefix: 'title: 手册 | text: ', countTokens: countGemmaTokens };
const identity = { category: 'c', title: '手册', source: '/kb/c/handbook' };
const document = (sections: DocumentSection[]): LoadedDocument => documentFromSections(identity, sections);

test('table chunks are whole rows under a repeated header, each with its sheet and row range', async () => {
  const rows = Array.from({ length: 300 }, (_, index) => ({
    number: index + 2,
    text: `员工${index} | IT | 年假 ${10 + (index % 5)} 天`,
  }));
  const chunks = await chunkDocument(
    document([
      {
        kind: 'table',
        header: 'Name 姓名 | Team | Leave',
        rows,
        location: { sheet: 'Staff', rows: { from: 2, to: 301 } },
      },
    ]),
    { ...options, targetTokens: 200 },
  );
  assert.ok(chunks.length > 3);
  let next = 2;
  for (const [index, chunk] of chunks.entries()) {
    assert.equal(chunk.position, index);
    const lines = chunk.text.split('\n');
    assert.equal(lines[0], 'Name 姓名 | Team | Leave');
    assert.equal(chunk.location?.sheet, 'Staff');
    assert.equal(chunk.location?.rows?.from, next, 'no row is lost or repeated between chunks');
    assert.equal(chunk.location?.rows?.to, next + lines.length - 2);
    assert.equal(lines[1], rows[next - 2]?.text);
    next += lines.length - 1;
    assert.ok(chunk.tokens <= 200 + 40);
  }
  assert.equal(next, 302);
});

test('text chunks carry the pages they span, and never run across a heading or slide change', async () => {
  const sentence = (page: number) => `Page ${page} says something about annual leave and the VPN. `.repeat(6);
  const pdf = await chunkDocument(
    document(
      [1, 2, 3, 4].map((page) => ({
        kind: 'text',
        text: sentence(page),
        location: { pages: { from: page, to: page } },
      })),
    ),
    { ...options, targetTokens: 120, overlapTokens: 0 },
  );
  assert.ok(pdf.length >= 3);
  assert.deepEqual(pdf[0]?.location?.pages?.from, 1);
  assert.deepEqual(pdf.at(-1)?.location?.pages?.to, 4);
  for (const chunk of pdf) {
    const pages = [...chunk.text.matchAll(/Page (\d)/g)].map((match) => Number(match[1]));
    assert.deepEqual(chunk.location?.pages, { from: Math.min(...pages), to: Math.max(...pages) }, chunk.text);
  }
  assert.ok(
    pdf.some((chunk) => (chunk.location?.pages?.to ?? 0) > (chunk.location?.pages?.from ?? 0)),
    'some chunk spans a page break',
  );

  const headed = await chunkDocument(
    document([
      { kind: 'text', text: '3.1 Sick leave\nFive days.', location: { headings: ['3 Leave', '3.1 Sick leave'] } },
      { kind: 'text', text: '3.2 Annual leave\n十二天。', location: { headings: ['3 Leave', '3.2 Annual leave'] } },
    ]),
    options,
  );
  assert.deepEqual(
    headed.map((chunk) => [chunk.position, chunk.text, chunk.location?.headings?.at(-1)]),
    [
      [0, '3.1 Sick leave\nFive days.', '3.1 Sick leave'],
      [1, '3.2 Annual leave\n十二天。', '3.2 Annual leave'],
    ],
  );
});

test('a document without sections is chunked as plain text, without a location', async () => {
  const chunks = await chunkDocument({ ...identity, content: '年假十二天。' }, options);
  assert.deepEqual(
    chunks.map((chunk) => [chunk.text, chunk.location]),
    [['年假十二天。', undefined]],
  );
});

test('rows past the per-sheet limit are reported with their range, not silently dropped', () => {
  const total = tableLimits.maxRows + 5;
  const rows = Array.from({ length: total + 1 }, (_, index) => ({
    number: index + 1,
    cells: [index === 0 ? 'id' : index],
  }));
  const { section, skipped } = tableSection(rows, { sheet: 'Big' }, '/kb/big.xlsx#Big');
  assert.equal(section?.rows.length, tableLimits.maxRows);
  assert.deepEqual(skipped, [
    {
      path: '/kb/big.xlsx#Big',
      reason: `rows ${tableLimits.maxRows + 2}–${total + 1} not indexed: at most ${tableLimits.maxRows.toLocaleString('en-US')} rows per sheet`,
    },
  ]);
});
