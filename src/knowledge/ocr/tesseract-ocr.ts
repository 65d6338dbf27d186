import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { OcrOptions } from '../../spec/document-loader.js';
import { debianPackageFor, joinCjkSpacing } from './ocr-languages.js';

const run = promisify(execFile);

/** A page that pathological input keeps busy longer than this is given up, not waited for. */
const commandTimeoutMilliseconds = 120_000;
/** Scanners work at 200–300 dpi, and tesseract reads best at about 300. */
const renderDpi = 300;

export interface OcrTools {
  tesseract: string;
  pdftoppm: string;
  languages: ReadonlySet<string>;
}

const found = new Map<string, Promise<OcrTools | undefined>>();

/**
 * tesseract and pdftoppm (poppler) with the languages tesseract has, or undefined when either
 * is missing. Asked once per process and pair of commands: ingest may meet many scanned files.
 */
export function findOcrTools(options: OcrOptions | undefined): Promise<OcrTools | undefined> {
  const commands = options?.commands ?? { tesseract: 'tesseract', pdftoppm: 'pdftoppm' };
  const key = `${commands.tesseract}\0${commands.pdftoppm}`;
  let tools = found.get(key);
  if (!tools) {
    tools = probe(commands.tesseract, commands.pdftoppm);
    found.set(key, tools);
  }
  return tools;
}

async function probe(tesseract: string, pdftoppm: string): Promise<OcrTools | undefined> {
  try {
    await run(pdftoppm, ['-v'], { timeout: 10_000 });
    const { stdout } = await run(tesseract, ['--list-langs'], { timeout: 10_000 });
    const languages = new Set(
      stdout
        .split('\n')
        .slice(1)
        .map((line) => line.trim())
        .filter(Boolean),
    );
    return { tesseract, pdftoppm, languages };
  } catch {
    return undefined;
  }
}

/** Why these languages cannot be used, with the package that brings each missing one; else undefined. */
export function missingLanguages(tools: OcrTools, languages: readonly string[]): string | undefined {
  const missing = languages.filter((language) => !tools.languages.has(language));
  if (missing.length === 0) return undefined;
  return `tesseract has no ${missing.join(', ')} language data (install ${missing.map(debianPackageFor).join(' ')})`;
}

/**
 * The text of the given 1-based pages: pdftoppm renders each at 300 dpi in grey, tesseract
 * reads it. Work happens in a private temporary folder that is always removed.
 */
export async function recognizePdfPages(
  tools: OcrTools,
  bytes: Uint8Array,
  pages: readonly number[],
  languages: readonly string[],
): Promise<Map<number, string>> {
  const folder = await mkdtemp(join(tmpdir(), 'gemma-rag-ocr-'));
  try {
    const pdf = join(folder, 'input.pdf');
    await writeFile(pdf, bytes);
    const texts = new Map<number, string>();
    for (const page of pages) {
      const prefix = join(folder, `page-${page}`);
      await run(
        tools.pdftoppm,
        ['-f', String(page), '-l', String(page), '-r', String(renderDpi), '-gray', '-png', pdf, prefix],
        { timeout: commandTimeoutMilliseconds },
      );
      // pdftoppm pads the page number in the file name to the width of the page count.
      const image = (await readdir(folder)).find((name) => name.startsWith(`page-${page}-`) && name.endsWith('.png'));
      if (!image) continue;
      const { stdout } = await run(tools.tesseract, [join(folder, image), '-', '-l', languages.join('+')], {
        timeout: commandTimeoutMilliseconds,
        maxBuffer: 16 * 1024 * 1024,
        // One thread per page keeps OCR from taking every core from the embedding model.
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      });
      texts.set(page, joinCjkSpacing(stdout).trim());
    }
    return texts;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
