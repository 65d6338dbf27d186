import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { exampleKnowledgeBasePath, loadKnowledgeBaseFile } from '../knowledge/load-knowledge-base.js';
import { defaultKnowledgeBasePath } from '../models/model-home.js';
import type { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { KnowledgeStore } from '../spec/knowledge-store.js';
import type { StageProgress } from '../spec/stage-progress.js';
import { displayLocation, type KnowledgeLocation, parseKnowledgeLocation } from '../stores/knowledge-location.js';
import { requireSqliteFile } from '../stores/open-knowledge-store.js';
import { exampleCacheDirectory, openCachedExample } from './example-cache.js';
import type { Rag } from './rag.js';

/** The environment variable that stands for --db in every command that takes it. */
export const dbEnvironmentVariable = 'GEMMA_RAG_DB';

export interface DatabaseSource {
  kind: 'database';
  location: KnowledgeLocation;
  display: string;
  isDefault: boolean;
}

export interface JsonSource {
  kind: 'json';
  path: string;
  knowledgeBase: KnowledgeBase;
  /** The bundled example: where it is kept once embedded, so the next question does not embed it again. */
  cacheDirectory?: string | undefined;
}

export type KnowledgeSource = DatabaseSource | JsonSource;

/** Where a knowledge base is written or administered: the one named, else GEMMA_RAG_DB, else the default file. */
export function writableLocation(environment: NodeJS.ProcessEnv, named: string | undefined): KnowledgeLocation {
  const given = named ?? nonEmpty(environment[dbEnvironmentVariable]);
  return parseKnowledgeLocation(given ?? defaultKnowledgeBasePath(environment));
}

/**
 * Where questions are answered from: the database named (`--db`), else the JSON file (`--kb`),
 * else GEMMA_RAG_DB, else the default database if one was ingested, else the bundled example.
 * Checked (and JSON loaded) before any model is loaded, so bad input fails fast.
 */
export async function chooseKnowledgeSource(
  environment: NodeJS.ProcessEnv,
  named: { db?: string | undefined; kb?: string | undefined },
): Promise<KnowledgeSource> {
  if (named.db !== undefined && named.kb !== undefined) {
    throw new GemmaRagError(
      errorCodes.invalidArgument,
      'Use either --db (an ingested knowledge base) or --kb (a JSON file), not both.',
    );
  }
  const database = named.db ?? (named.kb === undefined ? nonEmpty(environment[dbEnvironmentVariable]) : undefined);
  if (database !== undefined) return databaseSource(database);
  const defaultDb = defaultKnowledgeBasePath(environment);
  if (named.kb === undefined && existsSync(defaultDb)) {
    const location = parseKnowledgeLocation(defaultDb);
    return { kind: 'database', location, display: displayLocation(location), isDefault: true };
  }
  const path = resolve(named.kb ?? exampleKnowledgeBasePath);
  const knowledgeBase = await loadKnowledgeBaseFile(path);
  if (named.kb !== undefined) return { kind: 'json', path, knowledgeBase };
  return { kind: 'json', path, knowledgeBase, cacheDirectory: exampleCacheDirectory(environment) };
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

export interface OpenForQuestionsHooks {
  /** A sentence for people: which knowledge base is used, or what is built once. */
  onNotice?: ((message: string) => void) | undefined;
  /** Embedding a JSON knowledge base, or building a missing search graph. */
  onProgress?: ((progress: StageProgress) => void) | undefined;
  /**
   * The index will be written to (serve's uploads): a JSON knowledge base is then embedded
   * into memory every time, never into the shared copy of the bundled example.
   */
  writable?: boolean | undefined;
}

/**
 * Opens a source for questions: a database (refusing an empty one or one embedded with
 * another model), or a JSON file embedded into memory the same way `ingest` stores it.
 */
export async function openForQuestions(
  rag: Rag,
  source: KnowledgeSource,
  hooks: OpenForQuestionsHooks = {},
): Promise<KnowledgeIndex<KnowledgeStore>> {
  if (source.kind === 'json') {
    const onProgress = (done: number, total: number) => hooks.onProgress?.({ stage: 'embedding', done, total });
    if (source.cacheDirectory !== undefined && !hooks.writable) {
      return openCachedExample(rag, source, source.cacheDirectory, {
        onBuild: () =>
          hooks.onNotice?.(
            `Embedding the bundled example once for this model (${documentCount(source.knowledgeBase)} documents); later questions reuse it.`,
          ),
        onProgress,
      });
    }
    return rag.index(source.knowledgeBase, { origin: source.path, onProgress });
  }
  if (source.isDefault) hooks.onNotice?.(`Using the knowledge base ${source.display}`);
  const index = await rag.open(source.location);
  try {
    await buildMissingGraph(index.knowledge, hooks);
  } catch (error) {
    await index.close();
    throw error;
  }
  return index;
}

/**
 * A knowledge base that grew past the graph size without one (ingested by an older version,
 * or before usearch was installed) would build it silently on the first search, for minutes
 * at a million chunks; build it here, visibly, once.
 */
async function buildMissingGraph(knowledge: KnowledgeStore, hooks: OpenForQuestionsHooks): Promise<void> {
  const search = await knowledge.describeSearch();
  if (search.method !== 'graph' || search.graph?.file) return;
  hooks.onNotice?.(`Building the search graph for ${search.vectors} chunks (once; it is saved).`);
  await knowledge.prepareSearch((done, total) => hooks.onProgress?.({ stage: 'indexing', done, total }));
}

function documentCount(knowledgeBase: KnowledgeBase): number {
  return knowledgeBase.reduce((sum, category) => sum + category.documents.length, 0);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
