import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { test } from 'node:test';
import { buildPdf } from '../../../test/fixtures/pdf-writer.js';
import { temporaryFolder, writeTree } from '../../../test/fixtures/temporary-files.js';
import { pdfLoader } from './pdf-loader.js';
import { loadPaths } from './read-source.js';

const load = (path: string, bytes: Uint8Array) => pdfLoader.load({ path, text: '', bytes, defaultCategory: 'manuals' });

test('PDF: text of every page, a page per section and paragraph, titled from the metadata, without any network access', async (t) => {
  const realFetch = globalThis.fetch;
  globalThis.fetch = () => Promise.reject(new Error('the PDF loader must not use the network'));
  t.after(() => {
    globalThis.fetch = realFetch;
  });
  const bytes = buildPdf({
    title: '员工手册 Handbook',
    pages: [['Annual leave: twelve days (paid).', 'Apply three working days ahead.'], ['Page two: the VPN.']],
  });
  const { documents, skipped } = await load('/kb/manuals/handbook.pdf', bytes);
  assert.deepEqual(skipped, []);
  assert.deepEqual(documents, [
    {
      category: 'manuals',
      title: '员工手册 Handbook',
      content: 'Annual leave: twelve days (paid).\nApply three working days ahead.\n\nPage two: the VPN.',
      source: '/kb/manuals/handbook.pdf',
      sections: [
        {
          kind: 'text',
          text: 'Annual leave: twelve days (paid).\nApply three working days ahead.',
          location: { pages: { from: 1, to: 1 } },
        },
        { kind: 'text', text: 'Page two: the VPN.', location: { pages: { from: 2, to: 2 } } },
      ],
      pages: 2,
    },
  ]);
});

test('PDF: Chinese and Japanese text come out as Unicode; without a Title the file name is the title', async (t) => {
  const folder = await temporaryFolder(t);
  await writeTree(folder, {
    '手册/员工手册.pdf': buildPdf({
      pages: [['员工每年享有十二天带薪年假。'], ['年次有給休暇は十日間です。', 'English too.']],
    }),
  });
  const { documents, skipped } = await loadPaths([folder]);
  assert.deepEqual(skipped, []);
  assert.equal(documents[0]?.title, '员工手册');
  assert.equal(documents[0]?.category, '手册');
  assert.equal(documents[0]?.content, '员工每年享有十二天带薪年假。\n\n年次有給休暇は十日間です。\nEnglish too.');
});

test('PDF: corrupt, truncated, encrypted and text-less files are skipped with a reason, never thrown', async (t) => {
  const folder = await temporaryFolder(t);
  const valid = buildPdf({ pages: [['Some text that will be cut off.']] });
  await writeTree(folder, {
    'corrupt.pdf': '%PDF-1.4\nthis is not really a PDF at all\n%%EOF\n',
    'encrypted.pdf': buildPdf({ pages: [['secret']], encrypted: true }),
    'scanned.pdf': buildPdf({ pages: [[]] }),
    'truncated.pdf': valid.slice(0, Math.floor(valid.length / 2)),
    'renamed.pdf': 'just text with a .pdf name',
  });
  // No wall-clock assertion (shared machines): a PDF that never finishes is the parse
  // worker's timeout to end, tested with the bombs.
  const { documents, skipped } = await loadPaths([folder]);
  const reasons = new Map(skipped.map((entry) => [basename(entry.path), entry.reason]));
  assert.match(reasons.get('corrupt.pdf') ?? '', /^not a valid PDF \(Invalid PDF structure\.\)$/);
  assert.match(reasons.get('renamed.pdf') ?? '', /^not a valid PDF/);
  assert.match(reasons.get('encrypted.pdf') ?? '', /^encrypted PDF \(password protected\)/);
  assert.match(reasons.get('scanned.pdf') ?? '', /^no extractable text .*OCR/);
  // pdf.js may recover what is left of a truncated file; either way it is accounted for.
  const truncatedLoaded = documents.some((document) => basename(document.source) === 'truncated.pdf');
  assert.ok(truncatedLoaded !== reasons.has('truncated.pdf'));
  assert.equal(documents.length + skipped.length, 5);
});
