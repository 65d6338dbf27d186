import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { exampleKnowledgeBasePath, loadKnowledgeBaseFile } from '../knowledge/load-knowledge-base.js';
import { defaultKnowledgeBasePath } from '../models/model-home.js';
import type { Rag } from '../rag.js';
import type { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { KnowledgeStore } from '../spec/knowledge-store.js';
import { displayLocation, type KnowledgeLocation, parseKnowledgeLocation } from '../stores/knowledge-location.js';
import { requireSqliteFile } from '../stores/open-knowledge-store.js';
import { type CliIo, writeLine } from './cli-io.js';
import { progressBar } from './progress.js';

export interface KnowledgeFlags {
  kb?: string;
  db?: string;
  json?: boolean;
}

/** The environment variable that stands for --db in every command that takes it. */
export const dbEnvironmentVariable = 'GEMMA_RAG_DB';

export const dbOptionDescription =
  'knowledge base: a SQLite file or postgres://user@host/db[?schema=…] (env GEMMA_RAG_DB; default: $GEMMA_RAG_HOME/knowledge.db)';

export function addKnowledgeBaseOptions(command: Command): Command {
  return command
    .option('--db <location>', `${dbOptionDescription}; used if it exists`)
    .option('--kb <file>', 'knowledge base JSON file, embedded in memory for this run (default: the bundled example)');
}

/** Where a command that writes or administers a knowledge base works: --db, else GEMMA_RAG_DB, else the default file. */
export function writableLocation(io: CliIo, flags: { db?: string }): KnowledgeLocation {
  const given = flags.db ?? nonEmpty(io.environment[dbEnvironmentVariable]);
  return parseKnowledgeLocation(given ?? defaultKnowledgeBasePath(io.environment));
}

export interface DatabaseSource {
  kind: 'database';
  location: KnowledgeLocation;
  display: string;
  isDefault: boolean;
}

export type KnowledgeSource = DatabaseSource | { kind: 'json'; path: string; knowledgeBase: KnowledgeBase };

/**
 * Where questions are answered from: `--db`, else `--kb`, else GEMMA_RAG_DB, else the
 * default database if one was ingested, else the bundled example. Checked (and JSON loaded)
 * before any model is loaded, so bad input fails fast.
 */
export async function chooseKnowledgeSource(io: CliIo, flags: KnowledgeFlags): Promise<KnowledgeSource> {
  if (flags.db !== undefined && flags.kb !== undefined) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      'Use either --db (an ingested knowledge base) or --kb (a JSON file), not both.',
    );
  }
  const named = flags.db ?? (flags.kb === undefined ? nonEmpty(io.environment[dbEnvironmentVariable]) : undefined);
  if (named !== undefined) return databaseSource(named);
  const defaultDb = defaultKnowledgeBasePath(io.environment);
  if (flags.kb === undefined && existsSync(defaultDb)) {
    const location = parseKnowledgeLocation(defaultDb);
    return { kind: 'database', location, display: displayLocation(location), isDefault: true };
  }
  const path = resolve(flags.kb ?? exampleKnowledgeBasePath);
  return { kind: 'json', path, knowledgeBase: await loadKnowledgeBaseFile(path) };
}

/** A knowledge base named by --db or GEMMA_RAG_DB; a SQLite file must exist (a database is checked on opening). */
export function databaseSource(named: string): DatabaseSource {
  const location = parseKnowledgeLocation(named);
  if (location.kind === 'sqlite') requireSqliteFile(location.path, named);
  return { kind: 'database', location, display: displayLocation(location), isDefault: false };
}

/** How a source is named in messages (a database URL with its password masked). */
export function sourceName(source: KnowledgeSource): string {
  return source.kind === 'database' ? source.display : source.path;
}

export async function openKnowledge(
  io: CliIo,
  rag: Rag,
  source: KnowledgeSource,
  flags: { json?: boolean },
): Promise<KnowledgeIndex<KnowledgeStore>> {
  if (source.kind === 'database') {
    if (source.isDefault && !flags.json) writeLine(io.stderr, `Using the knowledge base ${source.display}`);
    const index = await rag.open(source.location);
    await buildMissingGraph(io, index.knowledge, flags);
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
async function buildMissingGraph(io: CliIo, knowledge: KnowledgeStore, flags: { json?: boolean }): Promise<void> {
  const search = await knowledge.describeSearch();
  if (search.method !== 'graph' || search.graph?.file) return;
  if (!flags.json) writeLine(io.stderr, `Building the search graph for ${search.vectors} chunks (once; it is saved).`);
  const bar = progressBar(io, 'Building search graph', { enabled: !flags.json });
  try {
    await knowledge.prepareSearch((done, total) => bar.update(done, total));
  } finally {
    bar.stop();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
