import { extname } from 'node:path';
import type { DocumentLoader } from '../../spec/document-loader.js';
import { csvLoader } from './csv-loader.js';
import { docxLoader } from './docx-loader.js';
import { htmlLoader } from './html-loader.js';
import { jsonLoader } from './json-loader.js';
import { jsonlLoader } from './jsonl-loader.js';
import { markdownLoader } from './markdown-loader.js';
import { odtLoader } from './odt-loader.js';
import { pdfLoader } from './pdf-loader.js';
import { pptxLoader } from './pptx-loader.js';
import { odsLoader, xlsxLoader } from './spreadsheet-loader.js';
import { textLoader } from './text-loader.js';

/** Every supported format, listed explicitly so that what gets ingested is never a surprise. */
export const documentLoaders: readonly DocumentLoader[] = [
  jsonLoader,
  jsonlLoader,
  markdownLoader,
  textLoader,
  htmlLoader,
  pdfLoader,
  docxLoader,
  odtLoader,
  pptxLoader,
  xlsxLoader,
  odsLoader,
  csvLoader,
];

const loadersByExtension = new Map<string, DocumentLoader>(
  documentLoaders.flatMap((loader) => loader.extensions.map((extension) => [extension, loader] as const)),
);

/** Lower-case extensions with the dot, in registry order, e.g. for help text. */
export const supportedExtensions: readonly string[] = [...loadersByExtension.keys()];

export function loaderForPath(path: string): DocumentLoader | undefined {
  return loadersByExtension.get(extname(path).toLowerCase());
}
