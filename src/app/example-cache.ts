import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { gemmaRagHome } from '../models/model-home.js';
import type { KnowledgeIndex } from '../retrieval/knowledge-index.js';
import { errorCodes, GemmaRagError } from '../spec/errors.js';
import type { KnowledgeStore } from '../spec/knowledge-store.js';
import type { Rag } from './rag.js';

/** Where the bundled example, once embedded, is kept: one small SQLite file per embedding model. */
export function exampleCacheDirectory(environment: NodeJS.ProcessEnv): string {
  return join(gemmaRagHome(environment), 'examples');
}

/**
 * The file that holds an example embedded by one model: named by a hash of the embedding
 * stamp (engine, model fingerprint, profile, size, prompt format) and a hash of the example
 * (its path and content), so a changed model or a changed example is a different file.
 */
export function exampleCacheFile(
  directory: string,
  stamp: object,
  example: { path: string; knowledgeBase: KnowledgeBase },
): { file: string; modelKey: string } {
  const modelKey = sha256(JSON.stringify(stamp)).slice(0, 16);
  const exampleKey = sha256(`${example.path}\n${JSON.stringify(example.knowledgeBase)}`).slice(0, 16);
  return { file: join(directory, `example-${modelKey}-${exampleKey}.db`), modelKey };
}

export interface ExampleCacheHooks {
  /** Called before the example is embedded (not when it is reused), with the file it goes to. */
  onBuild?: ((file: string) => void) | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/**
 * Opens the bundled example for questions, embedding it only the first time a model sees it:
 * the next `ask` with the same model opens the saved file. It is built in a temporary file and
 * renamed into place, so an interrupted run or two runs at once never leave a half-built one;
 * an older file of the same model (the example changed) is removed.
 */
export async function openCachedExample(
  rag: Rag,
  example: { path: string; knowledgeBase: KnowledgeBase },
  directory: string,
  hooks: ExampleCacheHooks = {},
): Promise<KnowledgeIndex<KnowledgeStore>> {
  const { file, modelKey } = exampleCacheFile(directory, rag.stamp, example);
  if (existsSync(file)) {
    try {
      return await rag.open(file);
    } catch (error) {
      // A damaged or foreign file is rebuilt; anything else (e.g. no space, a bug) is reported.
      if (!isUnusableKnowledgeBase(error)) throw error;
    }
  }
  hooks.onBuild?.(file);
  await mkdir(directory, { recursive: true });
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const store = await rag.openForWriting(temporary, { create: true });
    try {
      await rag.ingestKnowledgeBase(store, example.knowledgeBase, {
        origin: example.path,
        onProgress: hooks.onProgress,
      });
    } finally {
      await store.close();
    }
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
  await removeOlderVersions(directory, modelKey, file);
  await removeAbandonedBuilds(directory);
  return rag.open(file);
}

/** A build older than this was interrupted (a build takes a minute at most): its file is litter. */
const abandonedAfterMilliseconds = 60 * 60 * 1000;

async function removeAbandonedBuilds(directory: string, now = Date.now()): Promise<void> {
  for (const name of await readdir(directory)) {
    if (!name.endsWith('.tmp')) continue;
    const path = join(directory, name);
    const modified = await stat(path).then(
      (stats) => stats.mtimeMs,
      () => now,
    );
    if (now - modified > abandonedAfterMilliseconds) await rm(path, { force: true });
  }
}

function isUnusableKnowledgeBase(error: unknown): boolean {
  return (
    GemmaRagError.isInstance(error) &&
    (error.code === errorCodes.invalidKnowledgeBase || error.code === errorCodes.knowledgeBaseMismatch)
  );
}

async function removeOlderVersions(directory: string, modelKey: string, keep: string): Promise<void> {
  const prefix = `example-${modelKey}-`;
  for (const name of await readdir(directory)) {
    const path = join(directory, name);
    if (name.startsWith(prefix) && name.endsWith('.db') && path !== keep) await rm(path, { force: true });
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
