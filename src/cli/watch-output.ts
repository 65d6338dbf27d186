import { relative } from 'node:path';
import type { FolderWatch, KnowledgeWriter, Rag, WatchChange, WatchRequest } from '../app/rag.js';
import { countOf } from '../presentation/plural.js';
import { errorMessage } from '../spec/errors.js';
import { type CliIo, writeJsonLine, writeLine } from './cli-io.js';

export type CliWatchOptions = Omit<WatchRequest, 'onChange' | 'onError'> & {
  rag: Rag;
  store: KnowledgeWriter;
  json: boolean;
};

/**
 * Follows the folders for `ingest --watch` and `serve --watch`, printing one line per change
 * (`--json`: one JSON object per line) and every error, without ever stopping on one.
 */
export async function watchForCli(io: CliIo, options: CliWatchOptions): Promise<FolderWatch> {
  const { rag, store, json, ...request } = options;
  const watch = await rag.watch(store, {
    ...request,
    onChange: (change) => (json ? writeJsonLine(io.stdout, change) : writeLine(io.stdout, describeChange(change))),
    onError: (path, error) =>
      json
        ? writeJsonLine(io.stdout, { path, outcome: 'error', error: errorMessage(error) })
        : writeLine(io.stderr, `error    ${path}: ${errorMessage(error)}`),
  });
  await watch.ready;
  const shown = options.roots.map((root) => relative(process.cwd(), root) || '.').join(', ');
  writeLine(io.stderr, `Watching ${shown} for changes (Ctrl-C to stop).`);
  return watch;
}

function describeChange(change: WatchChange): string {
  const what =
    change.outcome === 'removed'
      ? ` (${countOf(change.documents, 'document')})`
      : change.chunksEmbedded > 0
        ? ` (${countOf(change.chunksEmbedded, 'chunk')} embedded)`
        : '';
  const skipped = change.skipped.map((entry) => `; skipped ${entry.path}: ${entry.reason}`).join('');
  return `${change.outcome.padEnd(9)}${change.path}${what}${skipped}`;
}
