import { relative } from 'node:path';
import type { ChunkingSettings } from '../ingest/ingest-documents.js';
import { stillPresent } from '../ingest/still-present.js';
import { type FolderWatch, type WatchChange, type WatchOptions, watchFolders } from '../ingest/watch-folders.js';
import { errorMessage } from '../knowledge/loaders/error-message.js';
import type { Rag } from '../rag.js';
import type { KnowledgeWriter } from '../spec/knowledge-writer.js';
import { type CliIo, writeLine } from './cli-io.js';

export interface CliWatchOptions {
  roots: readonly string[];
  rag: Rag;
  store: KnowledgeWriter;
  json: boolean;
  load?: WatchOptions['load'];
  category?: string | undefined;
  chunking?: ChunkingSettings | undefined;
  /** `ingest --tag`: tags for every document written. */
  tags?: readonly string[] | undefined;
  /** Serializes a write with the caller's other work (the server's queue); runs it directly by default. */
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
}

/**
 * Follows the folders for `ingest --watch` and `serve --watch`, printing one line per change
 * (`--json`: one JSON object per line) and every error, without ever stopping on one.
 */
export async function watchForCli(io: CliIo, options: CliWatchOptions): Promise<FolderWatch> {
  const exclusive = options.exclusive ?? ((work) => work());
  const watch = await watchFolders({
    roots: options.roots,
    load: options.load,
    category: options.category,
    sync: (loaded, path) =>
      exclusive(() =>
        options.rag.ingest(options.store, {
          documents: loaded.documents,
          categoryDescriptions: loaded.categoryDescriptions,
          chunking: options.chunking,
          tags: options.tags,
          prune: { paths: [path], isStillPresent: stillPresent(loaded) },
        }),
      ),
    onChange: (change) => writeLine(io.stdout, options.json ? JSON.stringify(change) : describeChange(change)),
    onError: (path, error) =>
      writeLine(
        options.json ? io.stdout : io.stderr,
        options.json
          ? JSON.stringify({ path, outcome: 'error', error: errorMessage(error) })
          : `error    ${path}: ${errorMessage(error)}`,
      ),
  });
  await watch.ready;
  const shown = options.roots.map((root) => relative(process.cwd(), root) || '.').join(', ');
  writeLine(io.stderr, `Watching ${shown} for changes (Ctrl-C to stop).`);
  return watch;
}

function describeChange(change: WatchChange): string {
  const what =
    change.outcome === 'removed'
      ? ` (${change.documents} document${change.documents === 1 ? '' : 's'})`
      : change.chunksEmbedded > 0
        ? ` (${change.chunksEmbedded} chunks embedded)`
        : '';
  const skipped = change.skipped.map((entry) => `; skipped ${entry.path}: ${entry.reason}`).join('');
  return `${change.outcome.padEnd(9)}${change.path}${what}${skipped}`;
}
