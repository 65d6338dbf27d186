import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import type { SkippedSource } from '../../spec/document-loader.js';
import { errorCodes, GemmaRagError } from '../../spec/errors.js';
import { checkedMaxFileBytes, describeFileSystemError, tooLargeReason } from './file-limits.js';
import { loaderForPath } from './loader-registry.js';

export interface CollectedFile {
  /** Absolute path, through any symbolic links followed, so it stays the document's identity. */
  path: string;
  /** The absolute root (folder or file) it was found under. */
  root: string;
  category: string;
  /** The file's own name when `path` does not end in it (an upload read from a fixed temporary name). */
  fileName?: string | undefined;
}

export interface CollectOptions {
  followSymlinks?: boolean;
  /**
   * Also follow links whose targets lie outside the roots being ingested. Off by default: a link
   * in a shared folder (`notes/setup.txt -> ~/.ssh/id_ed25519`) must not carry a secret in.
   */
  followSymlinksAnywhere?: boolean;
  /** Absolute paths never collected, nor anything under them: the knowledge base's own files. */
  exclude?: readonly string[] | undefined;
  /** Files larger than this are skipped before any byte is read; default 20 MiB. */
  maxFileBytes?: number;
}

export interface CollectResult {
  files: CollectedFile[];
  skipped: SkippedSource[];
}

export const symbolicLinkNotFollowedReason = 'symbolic link (not followed; use --follow-symlinks)';
export const symbolicLinkLoopReason = 'symbolic link loop';
export const symbolicLinkOutsideReason =
  'symbolic link to a file or folder outside the paths being ingested (not followed; use --follow-symlinks-anywhere to allow it)';

/**
 * Finds the files to ingest under the given roots, with their categories: the name of the
 * first-level folder a file is in, or the root folder's own name for files directly in it (for a
 * file given as a root, its folder's name). Everything passed over is reported, except the
 * entries `isIgnoredName` names.
 */
export async function collectFiles(roots: string[], options: CollectOptions = {}): Promise<CollectResult> {
  const absoluteRoots = roots.map((root) => resolve(root));
  const followAnywhere = options.followSymlinksAnywhere ?? false;
  const walk = new Walk(
    (options.followSymlinks ?? false) || followAnywhere,
    checkedMaxFileBytes(options.maxFileBytes),
    new Set(options.exclude?.map((path) => resolve(path))),
    followAnywhere ? undefined : await Promise.all(absoluteRoots.map((root) => realpath(root).catch(() => root))),
  );
  // Every root is checked before any is walked, so a typo fails fast instead of after a long walk.
  const rootStats = await Promise.all(absoluteRoots.map(statRoot));
  for (const [index, root] of absoluteRoots.entries()) {
    const stats = rootStats[index];
    if (stats === undefined) continue;
    if (stats.isDirectory()) await walk.directory(root, root, undefined);
    else await walk.file(root, root, folderName(dirname(root)), stats);
  }
  await walk.links();
  const byPath = (left: { path: string }, right: { path: string }) =>
    left.path < right.path ? -1 : left.path > right.path ? 1 : 0;
  return { files: walk.files.sort(byPath), skipped: walk.skipped.sort(byPath) };
}

/**
 * Entries nobody means to ingest: hidden files and folders, node_modules, and the `~$name`
 * lock files Office leaves beside an open document.
 */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || name === 'node_modules';
}

/**
 * The category of a file found under `root` (a folder): the first-level folder it is in, or
 * the root's own name for files directly in it. The watcher uses this for single files, so
 * it must give what the walk below gives; a test holds them together.
 */
export function categoryOf(root: string, path: string): string {
  const inside = relative(root, path).split(sep);
  return inside.length > 1 && inside[0] ? inside[0] : folderName(root);
}

async function statRoot(root: string): Promise<Stats> {
  try {
    // A root named explicitly is followed even when it is a symbolic link: the user chose it.
    return await stat(root);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const message = missing ? `${root} does not exist.` : `Cannot read ${root}: ${describeFileSystemError(error)}.`;
    throw new GemmaRagError(errorCodes.invalidArgument, message, { data: { path: root }, cause: error });
  }
}

function folderName(path: string): string {
  return basename(path) || path;
}

interface PendingLink {
  path: string;
  root: string;
  category: string;
  target: Stats;
}

class Walk {
  readonly files: CollectedFile[] = [];
  readonly skipped: SkippedSource[] = [];
  /** Real paths, so no folder is walked twice whatever the links; this is what stops loops. */
  readonly #visitedDirectories = new Set<string>();
  /** Real path → path it was collected under, so a file reached twice becomes one document. */
  readonly #collectedFiles = new Map<string, string>();
  /**
   * Followed links wait until every real folder has been walked, so that a file reachable both
   * directly and through a link is collected under its real location, whatever the name order.
   */
  readonly #pendingLinks: PendingLink[] = [];

  constructor(
    readonly followSymlinks: boolean,
    readonly maxFileBytes: number,
    readonly excluded: ReadonlySet<string>,
    /** Real paths of the roots, which followed links must stay inside; undefined: anywhere. */
    readonly linkScope: readonly string[] | undefined,
  ) {}

  /** `category` is undefined at the top of a root, where each subfolder names its own. */
  async directory(path: string, root: string, category: string | undefined): Promise<void> {
    let entries: Dirent[];
    try {
      const real = await realpath(path);
      if (this.#visitedDirectories.has(real)) return;
      this.#visitedDirectories.add(real);
      entries = await readdir(path, { withFileTypes: true });
    } catch (error) {
      this.skipped.push({ path, reason: `cannot read folder: ${describeFileSystemError(error)}` });
      return;
    }
    entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
    for (const entry of entries) {
      const entryPath = join(path, entry.name);
      if (isIgnoredName(entry.name) || this.excluded.has(entryPath)) continue;
      if (entry.isSymbolicLink()) {
        await this.#link(entryPath, root, category ?? entry.name, category ?? folderName(root));
      } else if (entry.isDirectory()) {
        await this.directory(entryPath, root, category ?? entry.name);
      } else if (entry.isFile()) {
        await this.file(entryPath, root, category ?? folderName(root));
      } else {
        this.skipped.push({ path: entryPath, reason: 'not a regular file (device, socket or pipe)' });
      }
    }
  }

  async file(path: string, root: string, category: string, knownStats?: Stats): Promise<void> {
    if (!loaderForPath(path)) {
      this.skipped.push({ path, reason: `unsupported file type (${extname(path) || 'no extension'})` });
      return;
    }
    let stats: Stats;
    let real: string;
    try {
      stats = knownStats ?? (await stat(path));
      real = await realpath(path);
    } catch (error) {
      this.skipped.push({ path, reason: `cannot read file: ${describeFileSystemError(error)}` });
      return;
    }
    if (!stats.isFile()) {
      this.skipped.push({ path, reason: 'not a regular file (device, socket or pipe)' });
      return;
    }
    if (stats.size > this.maxFileBytes) {
      this.skipped.push({ path, reason: tooLargeReason(stats.size, this.maxFileBytes) });
      return;
    }
    const earlier = this.#collectedFiles.get(real);
    if (earlier !== undefined) {
      // Overlapping roots meet the same path twice; only a second name for a file is news.
      if (earlier !== path) this.skipped.push({ path, reason: `same file as ${earlier} (already collected)` });
      return;
    }
    this.#collectedFiles.set(real, path);
    this.files.push({ path, root, category });
  }

  async #link(path: string, root: string, directoryCategory: string, fileCategory: string): Promise<void> {
    if (!this.followSymlinks) {
      this.skipped.push({ path, reason: symbolicLinkNotFollowedReason });
      return;
    }
    let target: Stats;
    try {
      target = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT'
          ? 'broken symbolic link (its target does not exist)'
          : code === 'ELOOP'
            ? symbolicLinkLoopReason
            : `cannot follow symbolic link: ${describeFileSystemError(error)}`;
      this.skipped.push({ path, reason });
      return;
    }
    const outside = await this.#outsideScope(path);
    if (outside !== undefined) {
      this.skipped.push({ path, reason: outside });
      return;
    }
    this.#pendingLinks.push({ path, root, category: target.isDirectory() ? directoryCategory : fileCategory, target });
  }

  /** Why a link may not be followed (its target is outside every root), or undefined. */
  async #outsideScope(path: string): Promise<string | undefined> {
    if (this.linkScope === undefined) return undefined;
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      return `cannot follow symbolic link: ${describeFileSystemError(error)}`;
    }
    return isInsideRoots(real, this.linkScope) ? undefined : symbolicLinkOutsideReason;
  }

  async links(): Promise<void> {
    for (let link = this.#pendingLinks.shift(); link; link = this.#pendingLinks.shift()) {
      if (!link.target.isDirectory()) {
        await this.file(link.path, link.root, link.category, link.target);
        continue;
      }
      let real: string;
      let parent: string;
      try {
        real = await realpath(link.path);
        parent = await realpath(dirname(link.path));
      } catch (error) {
        this.skipped.push({
          path: link.path,
          reason: `cannot follow symbolic link: ${describeFileSystemError(error)}`,
        });
        continue;
      }
      if (this.#visitedDirectories.has(real)) {
        const loops = parent === real || parent.startsWith(real.endsWith(sep) ? real : `${real}${sep}`);
        this.skipped.push({
          path: link.path,
          reason: loops ? symbolicLinkLoopReason : `symbolic link to a folder already collected (${real})`,
        });
        continue;
      }
      await this.directory(link.path, link.root, link.category);
    }
  }
}

/** Whether a real path is one of the (real) roots or lies under one: the scope followed links must keep to. */
export function isInsideRoots(real: string, realRoots: readonly string[]): boolean {
  return realRoots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : `${root}${sep}`));
}
