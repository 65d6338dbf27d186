import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { exampleKnowledgeBasePath, loadKnowledgeBaseFile } from '../knowledge/load-knowledge-base.js';
import { defaultKnowledgeBasePath } from '../models/model-home.js';
import type { Rag } from '../rag.js';
import type { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import { chunkNamespace } from '../spec/knowledge-store.js';
import type { SqliteKnowledgeBase } from '../stores/sqlite/sqlite-knowledge-base.js';
import { type CliIo, writeLine } from './cli-io.js';
import { progressBar } from './progress.js';

export interface KnowledgeFlags {
  kb?: string;
  db?: string;
  json?: boolean;
}

export function addKnowledgeBaseOptions(command: Command): Command {
  return command
    .option(
      '--db <file>',
      'knowledge base built with `gemma-rag ingest` (default: $GEMMA_RAG_HOME/knowledge.db if it exists)',
    )
    .option('--kb <file>', 'knowledge base JSON file, embedded in memory for this run (default: the bundled example)');
}

export function dbPathFlag(io: CliIo, flags: { db?: string }): string {
  return resolve(flags.db ?? defaultKnowledgeBasePath(io.environment));
}

/**
 * The path of a knowledge base to read, checked before anything opens it: there, a file, and
 * not empty. SQLite would happily turn an empty file (or a new path) into a new database,
 * which a command that only reads must not do.
 */
export function existingKnowledgeBase(flag: string): string {
  const path = resolve(flag);
  const stats = statSync(path, { throwIfNoEntry: false });
  const problem =
    stats === undefined
      ? 'there is nothing there'
      : !stats.isFile()
        ? 'it is a folder, not a file'
        : stats.size === 0
          ? 'it is an empty file'
          : undefined;
  if (problem) {
    throw new GemmaRagError(
      errorCodes.invalidKnowledgeBase,
      `No knowledge base at ${path}: ${problem}. Create one with: gemma-rag ingest <files or folders> --db ${flag}`,
      { data: { path } },
    );
  }
  return path;
}

export type KnowledgeSource =
  | { kind: 'database'; path: string; isDefault: boolean }
  | { kind: 'json'; path: string; knowledgeBase: KnowledgeBase };

/**
 * Where questions are answered from: `--db`, else `--kb`, else the default database if
 * one was ingested, else the bundled example. Checked (and JSON loaded) before any model
 * is loaded, so bad input fails fast.
 */
export async function chooseKnowledgeSource(io: CliIo, flags: KnowledgeFlags): Promise<KnowledgeSource> {
  if (flags.db !== undefined && flags.kb !== undefined) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      'Use either --db (an ingested knowledge base) or --kb (a JSON file), not both.',
    );
  }
  if (flags.db !== undefined) {
    return { kind: 'database', path: existingKnowledgeBase(flags.db), isDefault: false };
  }
  const defaultDb = defaultKnowledgeBasePath(io.environment);
  if (flags.kb === undefined && existsSync(defaultDb)) return { kind: 'database', path: defaultDb, isDefault: true };
  const path = resolve(flags.kb ?? exampleKnowledgeBasePath);
  return { kind: 'json', path, knowledgeBase: await loadKnowledgeBaseFile(path) };
}

export async function openKnowledge(
  io: CliIo,
  rag: Rag,
  source: KnowledgeSource,
  flags: { json?: boolean },
): Promise<KnowledgeIndex<SqliteKnowledgeBase>> {
  if (source.kind === 'database') {
    if (source.isDefault && !flags.json) writeLine(io.stderr, `Using the knowledge base ${source.path}`);
    const index = await rag.open(source.path);
    buildMissingGraph(io, index.knowledge, flags);
    return index;
  }
  const bar = progressBar(io, 'Embedding knowledge base', { enabled: !flags.json });
  try {
    return await rag.index(source.knowledgeBase, {
      origin: source.path,
      onProgress: (done, total) => bar.update(done, total),
    });
  } finally {
    bar.stop();
  }
}

/**
 * A knowledge base that grew past the graph size without one (ingested by an older version,
 * or before usearch was installed) would build it silently on the first search, for minutes
 * at a million chunks; build it here, visibly, once.
 */
function buildMissingGraph(io: CliIo, knowledge: SqliteKnowledgeBase, flags: { json?: boolean }): void {
  const search = knowledge.vectors.describe(chunkNamespace);
  if (search.method !== 'graph' || search.graph?.file) return;
  if (!flags.json) writeLine(io.stderr, `Building the search graph for ${search.vectors} chunks (once; it is saved).`);
  const bar = progressBar(io, 'Building search graph', { enabled: !flags.json });
  try {
    knowledge.prepareSearch((done, total) => bar.update(done, total));
  } finally {
    bar.stop();
  }
}
