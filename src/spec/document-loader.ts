import type { DocumentSection } from './source-location.js';

/** One document as a loader found it, before chunking and embedding. */
export interface LoadedDocument {
  category: string;
  title: string;
  /** The whole text, as shown and hashed; when `sections` is given, their texts joined by blank lines. */
  content: string;
  /**
   * The text in the order it appears, each part with its place in the file (page, headings,
   * slide, sheet rows). Absent for formats without places (plain text, JSON records).
   */
  sections?: readonly DocumentSection[];
  /** How many pages the file has, for paged formats (PDF). */
  pages?: number;
  /** Labels for filters (front matter `tags`, a JSON/JSONL `tags` field), normalized by knowledge/tags.ts. */
  tags?: readonly string[];
  /**
   * Stable identity of the document across runs, used by incremental ingest and --prune:
   * the file's absolute path, or `path#category/title#n` for records inside a JSON/JSONL file
   * (n counts documents with the same category and title in that file, from 1).
   */
  source: string;
}

/** A file or record that was not loaded, and why, in words a person can act on. */
export interface SkippedSource {
  /** The file path, or `path:line` for a bad record. */
  path: string;
  reason: string;
}

export interface LoadResult {
  documents: LoadedDocument[];
  skipped: SkippedSource[];
  /** Category descriptions a format carries (the seed JSON's `description`), by category name. */
  categoryDescriptions?: Record<string, string>;
}

/** Reading scanned pages: which languages, and which programs do the work. */
export interface OcrOptions {
  /** Tesseract language codes, e.g. `['chi_sim', 'eng']`; by default chosen from the document. */
  languages?: readonly string[] | undefined;
  /** The programs to run; by default `tesseract` and `pdftoppm` found on PATH. */
  commands?: { tesseract: string; pdftoppm: string } | undefined;
}

export interface LoaderInput {
  /** Absolute path of the file. */
  path: string;
  /** The file's own name when the path does not carry it (an upload, stored under a fixed name); titles come from it. */
  fileName?: string | undefined;
  /** The file's text, already checked to be valid UTF-8 without NUL bytes (PDF loaders get `bytes`). */
  text: string;
  bytes: Uint8Array;
  /** Category for formats that carry none (folder name, or `--category`). */
  defaultCategory: string;
  /** For formats with scanned pages (PDF). */
  ocr?: OcrOptions | undefined;
  /** Most bytes an archive's text parts may inflate to, all together (Office formats); the loader's default otherwise. */
  maxInflatedBytes?: number | undefined;
}

/** Reads one file format into documents. Loaders never throw for bad content: they report it in `skipped`. */
export interface DocumentLoader {
  readonly format: string;
  /** Lower-case extensions with the dot, e.g. `.md`. */
  readonly extensions: readonly string[];
  /** Whether `text` must be valid UTF-8 (false for binary formats such as PDF). */
  readonly needsText: boolean;
  /**
   * Parse in a worker thread with a memory and time limit: binary formats whose parsers work
   * synchronously for long stretches and whose files can inflate enormously (PDF, Office).
   */
  readonly isolated?: boolean;
  load(input: LoaderInput): Promise<LoadResult>;
}
