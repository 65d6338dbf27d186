import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { pdfLoader } from '../../src/knowledge/loaders/pdf-loader.js';
import { findOcrTools } from '../../src/knowledge/ocr/tesseract-ocr.js';
import type { OcrOptions } from '../../src/spec/document-loader.js';
import { buildImagePdf } from '../fixtures/image-pdf-writer.js';
import { chromiumMissing, renderTextPages } from '../fixtures/text-images.js';

// Scanned pages made here: Chromium renders the text to JPEGs, which become an image-only PDF.
// Debian's tesseract-ocr with the chi-sim and jpn packs, and poppler-utils, come from .ci/run.
const tools = await findOcrTools(undefined);
const ocrMissing = tools
  ? !tools.languages.has('chi_sim')
    ? 'tesseract has no chi_sim (apt-get install tesseract-ocr-chi-sim)'
    : false
  : 'tesseract or pdftoppm is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim poppler-utils)';
const english = 'Annual leave is twelve days.\nApply three working days ahead.';
const chinese = '员工每年享有十二天带薪年假。\n请提前三天申请。';
let scans: { english: Uint8Array; chinese: Uint8Array; both: Uint8Array } | undefined;

before(async () => {
  if (chromiumMissing) return;
  const [englishPage, chinesePage] = await renderTextPages([english, chinese]);
  if (!englishPage || !chinesePage) throw new Error('Chromium rendered no pages');
  scans = {
    english: buildImagePdf([englishPage]),
    chinese: buildImagePdf([chinesePage]),
    both: buildImagePdf([englishPage, chinesePage]),
  };
});

const load = (path: string, bytes: Uint8Array, ocr?: OcrOptions) =>
  pdfLoader.load({ path, text: '', bytes, defaultCategory: 'scans', ocr });

test('a scanned English page is read with OCR, in the language its file name suggests', {
  skip: chromiumMissing || ocrMissing,
}, async () => {
  const { documents, skipped } = await load('/kb/scans/leave.pdf', scans?.english ?? new Uint8Array());
  assert.deepEqual(skipped, []);
  assert.match(documents[0]?.content ?? '', /Annual leave is twelve days\.\s+Apply three working days ahead\./);
  assert.deepEqual(documents[0]?.sections?.[0]?.location, { pages: { from: 1, to: 1 } });
});

test('a scanned Chinese page is read with OCR: chi_sim from the file name, CJK without spaces', {
  skip: chromiumMissing || ocrMissing,
}, async () => {
  const { documents, skipped } = await load('/kb/scans/年假规定.pdf', scans?.chinese ?? new Uint8Array());
  assert.deepEqual(skipped, []);
  const text = documents[0]?.content ?? '';
  assert.match(text, /十二天/);
  assert.match(text, /请提前三天申请/);
  assert.doesNotMatch(text, /[\u4e00-\u9fff] [\u4e00-\u9fff]/);
});

test('--ocr-languages chooses the languages: both pages of a mixed scan, each page its own section', {
  skip: chromiumMissing || ocrMissing,
}, async () => {
  const { documents, skipped } = await load('/kb/scans/mixed.pdf', scans?.both ?? new Uint8Array(), {
    languages: ['chi_sim', 'eng'],
  });
  assert.deepEqual(skipped, []);
  const sections = documents[0]?.sections ?? [];
  assert.deepEqual(
    sections.map((section) => section.location),
    [{ pages: { from: 1, to: 1 } }, { pages: { from: 2, to: 2 } }],
  );
  const [first, second] = sections.map((section) => (section.kind === 'text' ? section.text : ''));
  assert.match(first ?? '', /twelve days/);
  assert.match(second ?? '', /十二天/);
});

test('without tesseract, a scanned PDF is skipped with how to turn OCR on', { skip: chromiumMissing }, async () => {
  const missing = { tesseract: 'gemma-rag-no-such-tesseract', pdftoppm: 'gemma-rag-no-such-pdftoppm' };
  const { documents, skipped } = await load('/kb/scans/leave.pdf', scans?.english ?? new Uint8Array(), {
    commands: missing,
  });
  assert.deepEqual(documents, []);
  assert.match(skipped[0]?.reason ?? '', /^no extractable text \(no text layer \(scanned images\); install tesseract/);
  assert.match(
    skipped[0]?.reason ?? '',
    /apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-jpn poppler-utils/,
  );
});

test('a language tesseract lacks is named with the package that brings it', {
  skip: chromiumMissing || (!tools && 'no tesseract'),
}, async () => {
  const { skipped } = await load('/kb/scans/leave.pdf', scans?.english ?? new Uint8Array(), { languages: ['tlh'] });
  assert.match(skipped[0]?.reason ?? '', /tesseract has no tlh language data \(install tesseract-ocr-tlh\)/);
});
