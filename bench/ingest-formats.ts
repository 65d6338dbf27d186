/**
 * Ingest speed per file format, by hand (not part of the test suite):
 *   node --import tsx bench/ingest-formats.ts [--documents 200] [--ocr-pages 4] [--json]
 * Writes a corpus per format with the test fixture writers (the same multilingual text in
 * each), then times loading alone (reading and parsing) and a full ingest with the lexical
 * engine (parse, chunk with the Gemma tokenizer, embed, write) into a fresh SQLite file. With
 * a real EmbeddingGemma the embedding step dominates and is the same for every format; these
 * numbers show what each format's parser adds. --ocr-pages times OCR of scanned pages
 * (needs tesseract, pdftoppm and Chromium to render the pages).
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRag } from '../src/app/rag.js';
import { loadPaths } from '../src/knowledge/loaders/read-source.js';
import { SqliteKnowledgeBase } from '../src/stores/sqlite/sqlite-knowledge-base.js';
import { buildImagePdf } from '../test/fixtures/image-pdf-writer.js';
import { buildDocx, buildOdt, buildPptx, buildWorkbook } from '../test/fixtures/office-writer.js';
import { buildPdf } from '../test/fixtures/pdf-writer.js';
import { renderTextPages } from '../test/fixtures/text-images.js';

const { values } = parseArgs({
  options: {
    documents: { type: 'string', default: '200' },
    'ocr-pages': { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
});
const documentCount = Number(values.documents);
const ocrPages = Number(values['ocr-pages']);

const zh = '员工应当遵守公司的信息安全规定，定期更换密码，不要把账户借给他人使用。';
const en =
  'Employees must follow the information security policy, change passwords regularly and never share accounts.';
const ja = '社員は情報セキュリティ規程を守り、パスワードを定期的に変更し、アカウントを他人と共有しないでください。';
/** About 2.5 KB of text per document, in four sections. */
const paragraphs = (index: number) =>
  Array.from({ length: 24 }, (_, paragraph) => `${[zh, en, ja][(index + paragraph) % 3]} (${index}.${paragraph})`);
const sectionsOf = (index: number) =>
  [0, 1, 2, 3].map((section) => ({
    heading: `Section ${section + 1} 第${section + 1}节`,
    lines: paragraphs(index).slice(section * 6, section * 6 + 6),
  }));

const writers: Record<string, (index: number) => Promise<Uint8Array | string>> = {
  md: async (index) =>
    `# Document ${index}\n\n${sectionsOf(index)
      .map((section) => `## ${section.heading}\n\n${section.lines.join('\n\n')}`)
      .join('\n\n')}\n`,
  txt: async (index) => paragraphs(index).join('\n\n'),
  html: async (index) =>
    `<html><head><title>Document ${index}</title></head><body><article><h1>Document ${index}</h1>${sectionsOf(index)
      .map((section) => `<h2>${section.heading}</h2>${section.lines.map((line) => `<p>${line}</p>`).join('')}`)
      .join('')}</article></body></html>`,
  pdf: async (index) => buildPdf({ pages: sectionsOf(index).map((section) => [section.heading, ...section.lines]) }),
  docx: async (index) =>
    buildDocx(
      sectionsOf(index).flatMap((section) => [
        { heading: 2, text: section.heading },
        ...section.lines.map((text) => ({ text })),
      ]),
    ),
  odt: async (index) =>
    buildOdt(
      sectionsOf(index)
        .map(
          (section) =>
            `<text:h text:outline-level="2">${section.heading}</text:h>${section.lines.map((line) => `<text:p>${line}</text:p>`).join('')}`,
        )
        .join(''),
    ),
  pptx: async (index) =>
    buildPptx(sectionsOf(index).map((section) => ({ title: section.heading, lines: section.lines }))),
  xlsx: async (index) =>
    buildWorkbook({ Sheet1: [['No', 'Text'], ...paragraphs(index).map((line, row) => [row, line])] }, 'xlsx'),
  ods: async (index) =>
    buildWorkbook({ Sheet1: [['No', 'Text'], ...paragraphs(index).map((line, row) => [row, line])] }, 'ods'),
  csv: async (index) =>
    `No,Text\n${paragraphs(index)
      .map((line, row) => `${row},"${line}"`)
      .join('\n')}\n`,
};

const directory = await mkdtemp(join(tmpdir(), 'gemma-rag-bench-formats-'));
const rag = await createRag({ engine: 'lexical', gpu: false });
const rows: Array<Record<string, string | number>> = [];
try {
  // Loads the tokenizer and the lazily imported parsers once, so the first format does not pay for it.
  const warmUp = await SqliteKnowledgeBase.open(join(directory, 'warm-up.db'));
  await rag.ingestFiles(warmUp, {
    source: { documents: [{ category: 'c', title: 't', content: `${en}${zh}`, source: '/warm-up' }] },
  });
  await warmUp.close();
  for (const [format, write] of Object.entries(writers)) {
    const corpus = join(directory, format, 'docs');
    await mkdir(corpus, { recursive: true });
    let bytes = 0;
    for (let index = 0; index < documentCount; index++) {
      const path = join(corpus, `document-${index}.${format}`);
      await writeFile(path, await write(index));
      bytes += (await stat(path)).size;
    }
    await loadPaths([join(corpus, `document-0.${format}`)]);
    const loadStarted = performance.now();
    const loaded = await loadPaths([corpus]);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    if (loaded.skipped.length > 0) throw new Error(`${format}: ${JSON.stringify(loaded.skipped.slice(0, 3))}`);
    const store = await SqliteKnowledgeBase.open(join(directory, format, 'bench.db'));
    const ingestStarted = performance.now();
    const report = await rag.ingestFiles(store, { source: { documents: (await loadPaths([corpus])).documents } });
    const ingestSeconds = (performance.now() - ingestStarted) / 1000 + loadSeconds;
    await store.close();
    rows.push({
      format,
      files: documentCount,
      megabytes: Number((bytes / 1e6).toFixed(2)),
      loadFilesPerSecond: Number((documentCount / loadSeconds).toFixed(0)),
      ingestFilesPerSecond: Number((documentCount / ingestSeconds).toFixed(1)),
      chunks: report.chunksEmbedded,
      chunksPerSecond: Number((report.chunksEmbedded / ingestSeconds).toFixed(0)),
    });
  }
  if (ocrPages > 0) {
    const pages = await renderTextPages(Array.from({ length: ocrPages }, (_, index) => `${en}\n${zh}\n(${index})`));
    const path = join(directory, 'scanned', 'docs', 'scan.pdf');
    await mkdir(join(directory, 'scanned', 'docs'), { recursive: true });
    await writeFile(path, buildImagePdf(pages));
    const started = performance.now();
    const loaded = await loadPaths([path], { ocr: { languages: ['chi_sim', 'eng'] } });
    const seconds = (performance.now() - started) / 1000;
    if (loaded.documents.length !== 1) throw new Error(`OCR: ${JSON.stringify(loaded.skipped)}`);
    rows.push({
      format: 'pdf, scanned (OCR chi_sim+eng)',
      files: 1,
      pages: ocrPages,
      secondsPerPage: Number((seconds / ocrPages).toFixed(2)),
    });
  }
} finally {
  await rag.dispose();
  await rm(directory, { recursive: true, force: true });
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}`;
if (values.json) console.log(JSON.stringify({ machine, rows }, null, 2));
else {
  console.log(`${machine}; lexical engine; ${documentCount} files per format, ~2.5 KB of zh/en/ja text each\n`);
  console.log('| format | files | MB | load (parse) files/s | ingest files/s | chunks | ingest chunks/s |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows.filter((entry) => entry.secondsPerPage === undefined)) {
    console.log(
      `| ${row.format} | ${row.files} | ${row.megabytes} | ${row.loadFilesPerSecond} | ${row.ingestFilesPerSecond} | ${row.chunks} | ${row.chunksPerSecond} |`,
    );
  }
  for (const row of rows.filter((entry) => entry.secondsPerPage !== undefined)) {
    console.log(`\n${row.format}: ${row.secondsPerPage} s per page (${row.pages} pages, 300 dpi)`);
  }
}
