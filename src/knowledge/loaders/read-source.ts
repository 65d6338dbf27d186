import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import type { DocumentLoader, LoadResult, OcrOptions, SkippedSource } from '../../spec/document-loader.js';
import { errorMessage, throwIfAborted } from '../../spec/errors.js';
import { type CollectedFile, type CollectOptions, collectFiles } from './collect-files.js';
import { checkedMaxFileBytes, describeFileSystemError, tooLargeReason } from './file-limits.js';
import { IsolatedParser } from './isolated/isolated-parser.js';
import { loaderForPath } from './loader-registry.js';
import { checkedParseLimits, type ParseLimits, textBudgetReason } from './parse-limits.js';

export interface LoadOptions {
  /** Checked again when reading, in case a file grew after it was collected; default 20 MiB. */
  maxFileBytes?: number;
  signal?: AbortSignal;
  /** Called after each file, whether it loaded or was skipped. */
  onProgress?: (progress: { done: number; total: number; path: string }) => void;
  /** How scanned pages are read (languages, programs). */
  ocr?: OcrOptions | undefined;
  /** Which loader reads a path; the registry by default. A seam for tests and extra formats. */
  loaderFor?: (path: string) => DocumentLoader | undefined;
  /** What one file may cost to read (text, inflated archive, time and memory of PDF and Office parsing). */
  limits?: Partial<ParseLimits> | undefined;
}

/** Reads each file and hands it to its loader; one bad file never stops the others. */
export async function loadFiles(files: readonly CollectedFile[], options: LoadOptions = {}): Promise<LoadResult> {
  const maxFileBytes = checkedMaxFileBytes(options.maxFileBytes);
  const loaderFor = options.loaderFor ?? loaderForPath;
  const limits = checkedParseLimits(options.limits);
  const parser = new IsolatedParser(limits);
  const result: LoadResult = { documents: [], skipped: [], categoryDescriptions: {} };
  try {
    for (const [index, file] of files.entries()) {
      throwIfAborted(options.signal);
      const loaded = await loadFile(file, loaderFor(file.path), { maxFileBytes, ocr: options.ocr, limits, parser });
      result.documents.push(...loaded.documents);
      result.skipped.push(...loaded.skipped);
      Object.assign(result.categoryDescriptions ?? {}, loaded.categoryDescriptions);
      options.onProgress?.({ done: index + 1, total: files.length, path: file.path });
    }
  } finally {
    await parser.close();
  }
  return result;
}

/** collectFiles then loadFiles, with the files passed over by either in one list. */
export async function loadPaths(roots: string[], options: CollectOptions & LoadOptions = {}): Promise<LoadResult> {
  const collected = await collectFiles(roots, options);
  const loaded = await loadFiles(collected.files, options);
  return { ...loaded, skipped: [...collected.skipped, ...loaded.skipped] };
}

async function loadFile(
  file: CollectedFile,
  loader: DocumentLoader | undefined,
  reading: { maxFileBytes: number; ocr: OcrOptions | undefined; limits: ParseLimits; parser: IsolatedParser },
): Promise<LoadResult> {
  const { maxFileBytes, ocr, limits, parser } = reading;
  const skip = (reason: string): LoadResult => ({ documents: [], skipped: [{ path: file.path, reason }] });
  if (!loader) return skip(`unsupported file type (${extname(file.path) || 'no extension'})`);

  const read = await readBytes(file.path, maxFileBytes);
  if (typeof read === 'string') return skip(read);
  if (read.length === 0) return skip('empty file');
  let text = '';
  if (loader.needsText) {
    const decoded = decodeText(read);
    if (decoded.problem !== undefined) return skip(decoded.problem);
    text = decoded.text.replace(/\r\n?/g, '\n');
  }

  const input = {
    path: file.path,
    fileName: file.fileName,
    text,
    bytes: read,
    defaultCategory: file.category,
    ocr,
    maxInflatedBytes: limits.maxInflatedBytes,
  };
  let result: LoadResult;
  if (loader.isolated) {
    const parsed = await parser.parse(loader, input);
    if ('problem' in parsed) return skip(parsed.problem);
    result = parsed;
  } else {
    try {
      result = await loader.load(input);
    } catch (error) {
      return skip(`${loader.format} loader failed: ${errorMessage(error)}`);
    }
  }
  return withinTextBudget(withoutEmptyDocuments(result, loader), limits.maxTextChars);
}

/** Documents over the text budget are skipped whole, with the reason: never indexed in part. */
function withinTextBudget(result: LoadResult, maxTextChars: number): LoadResult {
  const skipped: SkippedSource[] = [...result.skipped];
  const documents = result.documents.filter((document) => {
    if (document.content.length <= maxTextChars) return true;
    skipped.push({ path: document.source, reason: textBudgetReason(document.content.length, maxTextChars) });
    return false;
  });
  return { ...result, documents, skipped };
}

/** The file's bytes, or why they were not read. */
async function readBytes(path: string, maxFileBytes: number): Promise<Uint8Array | string> {
  try {
    // Non-blocking, because opening a named pipe to read would otherwise wait for a writer forever.
    const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return 'not a regular file (device, socket or pipe)';
      if (stats.size > maxFileBytes) return tooLargeReason(stats.size, maxFileBytes);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    return `cannot read file: ${describeFileSystemError(error)}`;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf16LittleEndian = new TextDecoder('utf-16le', { fatal: true });
const utf16BigEndian = new TextDecoder('utf-16be', { fatal: true });

/**
 * UTF-8, or UTF-16 when a byte-order mark says so (Windows Notepad's "Unicode" files), since
 * that is unambiguous. The decoders drop the byte-order mark themselves. Other encodings such
 * as GBK or Shift_JIS cannot be told apart reliably, so they are refused rather than garbled.
 */
function decodeText(bytes: Uint8Array): { text: string; problem?: undefined } | { problem: string } {
  const decoder =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? utf16LittleEndian
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? utf16BigEndian
        : undefined;
  if (decoder === undefined && bytes.includes(0)) return { problem: 'binary content (NUL bytes)' };
  let text: string;
  try {
    text = (decoder ?? utf8).decode(bytes);
  } catch {
    return { problem: decoder ? 'not valid UTF-16 text' : 'not valid UTF-8 text (convert it to UTF-8 first)' };
  }
  if (decoder !== undefined && text.includes('\0')) return { problem: 'binary content (NUL bytes)' };
  return { text };
}

function withoutEmptyDocuments(result: LoadResult, loader: DocumentLoader): LoadResult {
  const skipped: SkippedSource[] = [...result.skipped];
  const documents = result.documents.filter((document) => {
    if (document.content.trim() !== '') return true;
    skipped.push({ path: document.source, reason: `no text content (${loader.format})` });
    return false;
  });
  return { ...result, documents, skipped };
}
