import { realpath, stat } from 'node:fs/promises';
import { basename, resolve, sep } from 'node:path';
import {
  type CollectedFile,
  categoryOf,
  isIgnoredName,
  isInsideRoots,
  symbolicLinkOutsideReason,
} from '../knowledge/loaders/collect-files.js';
import { loaderForPath } from '../knowledge/loaders/loader-registry.js';
import type { SkippedSource } from '../spec/document-loader.js';
import type { IngestFilesReport } from './ingest-files.js';

/** What happened to one path, reported once its change is in the knowledge base. */
export interface WatchChange {
  path: string;
  outcome: 'added' | 'updated' | 'unchanged' | 'removed' | 'skipped';
  /** Documents from the file (a workbook gives one per sheet); removed ones for `removed`. */
  documents: number;
  chunksEmbedded: number;
  skipped: SkippedSource[];
}

export interface WatchOptions {
  /** Folders (or files) to follow; categories come from them as `ingest` takes them. */
  roots: readonly string[];
  followSymlinks?: boolean | undefined;
  /** Follow links out of the roots too (`--follow-symlinks-anywhere`); otherwise such a file is skipped. */
  followSymlinksAnywhere?: boolean | undefined;
  /**
   * Brings the knowledge base in step with one path through the ingest flow: the file placed
   * in its category (null when it is gone), pruning what the path no longer holds.
   */
  sync: (change: { path: string; file: CollectedFile | null }) => Promise<IngestFilesReport>;
  onChange: (change: WatchChange) => void;
  /** A change that could not be written (e.g. the engine failed); watching goes on. */
  onError: (path: string, error: unknown) => void;
  /** Quiet time after the last event before a batch is written; default 500 ms. */
  debounceMilliseconds?: number;
}

export interface FolderWatch {
  /** Resolves when the watcher has scanned the folders and sees every later change. */
  ready: Promise<void>;
  /** Stops watching and waits for the change being written, if any. */
  close(): Promise<void>;
}

/**
 * Keeps a knowledge base in step with folders: files added, changed, renamed (a removal and
 * an addition) and deleted are written one path at a time, after a quiet moment, through the
 * same ingest as `gemma-rag ingest` (one transaction per document, so a crash keeps every
 * finished document). chokidar is loaded on first use.
 */
export async function watchFolders(options: WatchOptions): Promise<FolderWatch> {
  const { watch } = await import('chokidar');
  const roots = options.roots.map((root) => resolve(root));
  const rootKinds = await Promise.all(
    roots.map(async (root) => ((await stat(root)).isDirectory() ? 'folder' : 'file')),
  );
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const rootOf = (path: string) =>
    roots.find((root, index) => (rootKinds[index] === 'file' ? path === root : path.startsWith(`${root}${sep}`))) ??
    path;

  const followAnywhere = options.followSymlinksAnywhere ?? false;
  const realRoots = Promise.all(roots.map((root) => realpath(root).catch(() => root)));
  /** A file reached through a followed link whose target lies outside the roots (the rule collect-files applies). */
  const outsideRoots = async (path: string) => {
    if (!(options.followSymlinks ?? false) || followAnywhere) return false;
    const real = await realpath(path).catch(() => path);
    return !isInsideRoots(real, await realRoots);
  };

  const writeOne = async (path: string) => {
    const exists = await stat(path).then(
      (stats) => stats.isFile(),
      () => false,
    );
    let file: CollectedFile | null = null;
    if (exists && (await outsideRoots(path))) {
      options.onChange({
        path,
        outcome: 'skipped',
        documents: 0,
        chunksEmbedded: 0,
        skipped: [{ path, reason: symbolicLinkOutsideReason }],
      });
      return;
    }
    if (exists) {
      const root = rootOf(path);
      file = { path, root, category: root === path ? basename(resolve(path, '..')) : categoryOf(root, path) };
    }
    const report = await options.sync({ path, file });
    const outcome: WatchChange['outcome'] =
      report.added > 0
        ? 'added'
        : report.updated > 0
          ? 'updated'
          : report.removed > 0 && report.documents === 0
            ? 'removed'
            : report.documents === 0 && report.skipped.length > 0
              ? 'skipped'
              : 'unchanged';
    if (!exists && report.removed === 0) return; // a folder, or a file never ingested
    options.onChange({
      path,
      outcome,
      documents: outcome === 'removed' ? report.removed : report.documents,
      chunksEmbedded: report.chunksEmbedded,
      skipped: report.skipped,
    });
  };

  const flush = () => {
    timer = undefined;
    const batch = [...pending].sort();
    pending.clear();
    running = running.then(async () => {
      for (const path of batch) {
        if (closed) return;
        try {
          await writeOne(path);
        } catch (error) {
          options.onError(path, error);
        }
      }
    });
  };

  const changed = (path: string) => {
    if (closed) return;
    pending.add(resolve(path));
    clearTimeout(timer);
    timer = setTimeout(flush, options.debounceMilliseconds ?? 500);
  };

  const watcher = watch(roots, {
    ignoreInitial: true,
    followSymlinks: (options.followSymlinks ?? false) || followAnywhere,
    ignored: (path, stats) =>
      isIgnoredName(basename(path)) && !roots.includes(path)
        ? true
        : stats?.isFile() === true && loaderForPath(path) === undefined,
    // A file being copied in fires many events; wait until its size stops changing.
    awaitWriteFinish: { stabilityThreshold: 300, pollInterval: 50 },
  });
  watcher.on('add', changed).on('change', changed).on('unlink', changed).on('unlinkDir', changed);
  const ready = new Promise<void>((done) => watcher.once('ready', () => done()));
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}
