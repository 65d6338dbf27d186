import type { Embedder } from '../embedding/embedder.js';
import type { CollectedFile, CollectOptions } from '../knowledge/loaders/collect-files.js';
import { type LoadOptions, loadFiles, loadPaths } from '../knowledge/loaders/read-source.js';
import type { LoadedDocument, LoadResult, SkippedSource } from '../spec/document-loader.js';
import type { KnowledgeWriter } from '../spec/knowledge-writer.js';
import type { StageProgress } from '../spec/stage-progress.js';
import { extractCategoryDescriptions } from './category-descriptions.js';
import { type ChunkingSettings, type IngestReport, ingestDocuments } from './ingest-documents.js';
import { stillPresent, withCategory } from './still-present.js';

/**
 * What to read: paths walked as `ingest` takes them (a folder's first-level subfolder is the
 * category), files already placed in a category (an upload, one changed file of a watch), or
 * documents that arrive as text (`POST /api/documents`), which skip the loaders.
 */
export type IngestFilesSource =
  | { paths: readonly string[]; files?: undefined; documents?: undefined }
  | { files: readonly CollectedFile[]; paths?: undefined; documents?: undefined }
  | { documents: readonly LoadedDocument[]; paths?: undefined; files?: undefined };

export interface IngestFilesOptions {
  store: KnowledgeWriter;
  embedder: Embedder;
  source: IngestFilesSource;
  /** How files are found and read: symbolic links, size limit, OCR. */
  load?: (CollectOptions & Omit<LoadOptions, 'onProgress' | 'signal'>) | undefined;
  /** `--category`: every document of the run in this category. */
  category?: string | undefined;
  /** Tags for every document of the run, after each document's own. */
  tags?: readonly string[] | undefined;
  chunking?: ChunkingSettings | undefined;
  /** Remove stored documents under these paths whose files are gone (kept: what could not be read this time). */
  pruneUnder?: readonly string[] | undefined;
  /**
   * The name a document is stored under, from the path it was read from. An upload is read
   * from a temporary file but stored as `upload:{category}/{name}`, so sending it again updates it.
   */
  storedSource?: ((readFrom: string) => string) | undefined;
  /**
   * Runs the embedding and writing, which need the engine, beside the caller's other engine
   * work (the server's queue); reading files stays outside it. Direct by default.
   */
  exclusive?: (<Result>(work: () => Promise<Result>) => Promise<Result>) | undefined;
  onProgress?: ((progress: StageProgress) => void) | undefined;
  abortSignal?: AbortSignal | undefined;
}

export interface IngestFilesReport extends IngestReport {
  /** Documents read from the files (a workbook gives one per sheet). */
  documents: number;
  /** What was passed over, and why: unsupported, unreadable, too large, a bad record… */
  skipped: SkippedSource[];
}

/**
 * The ingest flow, for every edge (`ingest`, `POST /api/upload`, the folder watcher): read the
 * files through the loaders, take `_category.md` files as category descriptions, place the
 * documents in their categories, then embed and write what is new or changed (one transaction
 * per document) and prune what is gone.
 */
export async function ingestFiles(options: IngestFilesOptions): Promise<IngestFilesReport> {
  const { source, onProgress, abortSignal } = options;
  const load = {
    ...options.load,
    // The knowledge base may live inside a folder being ingested: its files are not documents.
    exclude: [...(options.load?.exclude ?? []), ...options.store.ownFiles],
    signal: abortSignal,
    onProgress: ({ done, total }: { done: number; total: number }) => onProgress?.({ stage: 'reading', done, total }),
  };
  const read: LoadResult = source.documents
    ? { documents: [...source.documents], skipped: [] }
    : source.paths
      ? await loadPaths([...source.paths], load)
      : await loadFiles(source.files, load);
  const loaded = renamed(withCategory(extractCategoryDescriptions(read), options.category), options.storedSource);
  const exclusive = options.exclusive ?? ((work) => work());
  const report = await exclusive(() =>
    ingestDocuments({
      knowledgeBase: options.store,
      embedder: options.embedder,
      documents: loaded.documents,
      categoryDescriptions: loaded.categoryDescriptions,
      chunking: options.chunking,
      tags: options.tags,
      prune: options.pruneUnder && { paths: options.pruneUnder, isStillPresent: stillPresent(loaded) },
      onProgress: (done, total) => onProgress?.({ stage: 'embedding', done, total }),
      onIndexProgress: (done, total) => onProgress?.({ stage: 'indexing', done, total }),
      abortSignal,
    }),
  );
  return { ...report, documents: loaded.documents.length, skipped: loaded.skipped };
}

function renamed(loaded: LoadResult, storedSource: ((readFrom: string) => string) | undefined): LoadResult {
  if (!storedSource) return loaded;
  return {
    ...loaded,
    documents: loaded.documents.map((document) => ({ ...document, source: storedSource(document.source) })),
    skipped: loaded.skipped.map((skipped) => ({ ...skipped, path: storedSource(skipped.path) })),
  };
}
